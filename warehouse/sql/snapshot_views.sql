-- The warehouse's own views with their definitions, to recreate them in the snapshot.
select
    view_name,
    sql
from duckdb_views()
where not internal and database_name = current_database() and schema_name = 'main'
order by view_name
