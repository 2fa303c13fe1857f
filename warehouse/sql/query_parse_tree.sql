-- DuckDB's own parse tree of one SELECT statement, as JSON, to see every table it names.
select json_serialize_sql(?)
