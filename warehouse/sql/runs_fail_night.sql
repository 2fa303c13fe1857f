-- Re-close a closed nightly run as failed: a step after its close (the snapshot's publish)
-- failed. $error names the failed steps and that step's cause.
update runs set
    finished_at = $finished_at,
    status = 'failed',
    error = $error,
    details = $details
where run_id = $run_id and kind = 'run'
