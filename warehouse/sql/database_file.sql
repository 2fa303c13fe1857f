-- The file of the connection's own database (empty for an in-memory one).
select path
from duckdb_databases()
where database_name = current_database()
