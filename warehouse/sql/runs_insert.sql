-- A finished step's row (warehouse/runs.py: record_run); parent_run_id: its nightly run.
insert into runs (
    run_id, kind, source, started_at, finished_at, status, rows_in, rows_loaded, rows_rejected,
    rows_new, rows_updated, rows_deactivated, error, details, parent_run_id
)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
