-- Everything an analyst's query may name in a FROM clause: the tables and views of every
-- attached database (the catalog's own views among them), as (database, schema, name). Any
-- other name would make DuckDB look for a file of that name (a replacement scan).
select database_name, schema_name, table_name as name from duckdb_tables()
union all
select database_name, schema_name, view_name as name from duckdb_views()
