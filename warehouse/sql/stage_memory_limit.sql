-- DuckDB's memory limit now, and whether the database is a file (its buffers can be evicted).
select current_setting('memory_limit'), path is not null
from duckdb_databases()
where database_name = current_database()
