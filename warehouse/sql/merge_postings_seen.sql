-- Upsert, step 1 of 4 (warehouse/load.py): an accepted posting stored with the same content
-- is seen again. Only the three columns that change are written: DuckDB rewrites whole
-- column segments, so an update of every column of a million rows costs ten times this.
update postings as p
set last_seen = $now, last_run_id = $run_id, is_active = true
from staged as s
where s.reject_reason is null
  and p.source = s.source and p.source_ref = s.source_ref
  and p.content_hash = s.content_hash
