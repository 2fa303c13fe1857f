-- The most recent match run that succeeded (null when there is none).
select max(run_id) as run_id
from runs
where kind = 'match' and status = 'succeeded'
