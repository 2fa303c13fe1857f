-- The newest migration applied to the warehouse (`resque init` prints it).
select max(version) from schema_migrations
