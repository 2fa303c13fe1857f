-- Upsert, step 3 of 4: an accepted posting whose content changed takes the new content.
-- The changed rows are picked out first (the semi join): joined and filtered inside the
-- update instead, 100,000 changed rows of a million took 26 s rather than 3.
update postings as p
set
    title = s.title, employer = s.employer, occupation = s.occupation, sector = s.sector,
    postcode = s.postcode, city = s.city, street = s.street, lat = s.lat, lon = s.lon,
    description = s.description, employment_type = s.employment_type,
    working_time = s.working_time, start_date = s.start_date, start_text = s.start_text,
    is_immediate_start = s.is_immediate_start, places = s.places, url = s.url,
    posted_at = s.posted_at, valid_through = s.valid_through,
    content_hash = s.content_hash, sector_wz_section = s.sector_wz_section,
    sector_wz_division = s.sector_wz_division,
    last_seen = $now, last_run_id = $run_id, is_active = true
from (
    select s.*
    from staged as s
    semi join postings as changed
        on changed.source = s.source and changed.source_ref = s.source_ref
        and changed.content_hash <> s.content_hash
    where s.reject_reason is null
) as s
where p.source = s.source and p.source_ref = s.source_ref
  and p.content_hash <> s.content_hash
