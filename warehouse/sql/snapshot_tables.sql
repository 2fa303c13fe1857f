-- The warehouse's own tables, in the order the snapshot copies them.
select table_name
from duckdb_tables()
where database_name = current_database() and schema_name = 'main'
order by table_name
