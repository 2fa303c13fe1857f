-- Close a nightly run's row: failed when a step failed (the flow names them in $failed, rows
-- or not), degraded when a step was, else succeeded.
update runs set
    finished_at = $finished_at,
    status = (
        select
            case
                when $failed <> '' or count(*) filter (where step.status = 'failed') > 0
                    then 'failed'
                when count(*) filter (where step.status = 'degraded') > 0 then 'degraded'
                else 'succeeded'
            end
        from runs as step
        where step.parent_run_id = $run_id
    ),
    error = nullif($failed, ''),
    details = $details
where run_id = $run_id
