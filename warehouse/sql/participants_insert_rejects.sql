-- Rejected profiles with their reason only: no content of a participant row is kept.
insert into rejects (run_id, source, row_number, source_ref, reason, payload)
select $run_id, $source, row_number, participant_id, reject_reason, null
from participant_batch
where reject_reason is not null
