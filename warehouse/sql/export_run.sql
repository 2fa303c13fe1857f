-- One run with its approval, if any (reads $run_id).
select
    r.run_id,
    r.kind,
    r.status,
    r.started_at,
    r.rows_loaded as matches,
    a.approved_by,
    a.approved_at
from runs as r
left join match_approvals as a using (run_id)
where r.run_id = $run_id
