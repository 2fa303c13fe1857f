-- Rows the reader could not even parse (ragged CSV lines, broken JSON lines), from the
-- registered frame `reader_rejects`.
insert into rejects (run_id, source, row_number, reason, payload)
select run_id, source, row_number, reason, payload::json
from reader_rejects
