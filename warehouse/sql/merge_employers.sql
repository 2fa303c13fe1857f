-- Upsert accepted employers, as the merge_postings_*.sql steps do for postings (a list of
-- employers is small: one statement, where postings take four cheaper ones).
merge into employers as e
using (select * from staged where reject_reason is null) as s
on e.source = s.source and e.source_ref = s.source_ref
when matched and e.content_hash <> s.content_hash then update set
    name = s.name, name_normalised = s.name_normalised, sector = s.sector,
    street = s.street, postcode = s.postcode, city = s.city, url = s.url,
    content_hash = s.content_hash, sector_wz_section = s.sector_wz_section,
    sector_wz_division = s.sector_wz_division,
    last_seen = $now, last_run_id = $run_id, is_active = true
-- a directory entry seen again takes the current WZ mapping (see merge_postings_wz.sql)
when matched then update set
    sector_wz_section = s.sector_wz_section, sector_wz_division = s.sector_wz_division,
    last_seen = $now, last_run_id = $run_id, is_active = true
when not matched then insert (
    employer_id, source, source_ref, name, name_normalised, sector, street, postcode, city,
    url, first_seen, last_seen, first_run_id, last_run_id, is_active, content_hash,
    sector_wz_section, sector_wz_division
) values (
    s.employer_id, s.source, s.source_ref, s.name, s.name_normalised, s.sector, s.street,
    s.postcode, s.city, s.url, $now, $now, $run_id, $run_id, true, s.content_hash,
    s.sector_wz_section, s.sector_wz_division
)
