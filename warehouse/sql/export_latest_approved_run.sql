-- The newest approved, succeeded match run started before the end of the month ($before).
select max(r.run_id) as run_id
from runs as r
inner join match_approvals as a using (run_id)
where r.kind = 'match' and r.status = 'succeeded' and r.started_at < $before
