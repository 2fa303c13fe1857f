-- DuckDB's memory limit back to its default (resque sets none of its own elsewhere).
reset memory_limit
