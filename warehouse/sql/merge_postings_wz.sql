-- Upsert, step 2 of 4: the WZ columns are derived from `sector` (in the content hash) by a
-- table that may improve; a posting seen again takes the current mapping without counting
-- as changed. Written only where the mapping differs, which after the first import is rare.
update postings as p
set sector_wz_section = s.sector_wz_section, sector_wz_division = s.sector_wz_division
from staged as s
where s.reject_reason is null
  and p.source = s.source and p.source_ref = s.source_ref
  and p.content_hash = s.content_hash
  and (p.sector_wz_section is distinct from s.sector_wz_section
      or p.sector_wz_division is distinct from s.sector_wz_division)
