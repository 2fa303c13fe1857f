-- One run's rejected rows with their reasons, for `resque import --rejects FILE`.
select row_number, source_ref, reason, payload::varchar as payload
from rejects
where run_id = $run_id
order by row_number
