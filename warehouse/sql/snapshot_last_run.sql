-- On the snapshot: the newest run it holds (0 for none). The publish that made it comes
-- after that run in the warehouse's log.
select coalesce(max(run_id), 0) as last_run
from runs
