-- Whether the warehouse has migration 0014 (runs.parent_run_id) that the status reads.
select count(*) > 0 as ready
from duckdb_columns()
where database_name = current_database() and table_name = 'runs' and column_name = 'parent_run_id'
