-- What one source held (records, active) as a nightly run closed.
insert into run_source_counts (run_id, source, entity, records, active)
values (?, ?, ?, ?, ?)
