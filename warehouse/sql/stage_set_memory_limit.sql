-- {limit}: a size such as '1GB'; above it DuckDB writes staged rows to its temp directory.
set memory_limit = '{limit}'
