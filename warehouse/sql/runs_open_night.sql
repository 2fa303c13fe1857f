-- A nightly run's own row, opened before its first step: 'running' until it is closed.
insert into runs (run_id, kind, started_at, status, details)
values ($run_id, 'run', $started_at, 'running', '{}')
