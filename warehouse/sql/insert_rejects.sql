-- Rows the validate stage turned away, with their reason and what the file said.
insert into rejects (run_id, source, row_number, source_ref, reason, payload)
select $run_id, source, row_number, source_ref, reject_reason, payload
from staged
where reject_reason is not null
