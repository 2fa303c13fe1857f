-- Upsert accepted postings: new ones inserted, changed ones updated, every one seen now.
merge into postings as p
using (select * from staged where reject_reason is null) as s
on p.source = s.source and p.source_ref = s.source_ref
when matched and p.content_hash <> s.content_hash then update set
    title = s.title, employer = s.employer, occupation = s.occupation, sector = s.sector,
    postcode = s.postcode, city = s.city, street = s.street, lat = s.lat, lon = s.lon,
    description = s.description, employment_type = s.employment_type,
    working_time = s.working_time, start_date = s.start_date, start_text = s.start_text,
    is_immediate_start = s.is_immediate_start, places = s.places, url = s.url,
    posted_at = s.posted_at, valid_through = s.valid_through,
    content_hash = s.content_hash, sector_wz_section = s.sector_wz_section,
    sector_wz_division = s.sector_wz_division,
    last_seen = $now, last_run_id = $run_id, is_active = true
-- the WZ columns are derived from `sector` (in the hash) by a table that may improve:
-- a posting seen again takes the current mapping without counting as changed
when matched then update set
    sector_wz_section = s.sector_wz_section, sector_wz_division = s.sector_wz_division,
    last_seen = $now, last_run_id = $run_id, is_active = true
when not matched then insert (
    posting_id, source, source_ref, title, employer, occupation, sector, postcode, city,
    street, lat, lon, description, employment_type, working_time, start_date, start_text,
    is_immediate_start, places, url, posted_at, valid_through, first_seen, last_seen,
    first_run_id, last_run_id, is_active, content_hash, vacancy_id, sector_wz_section,
    sector_wz_division
) values (
    s.posting_id, s.source, s.source_ref, s.title, s.employer, s.occupation, s.sector,
    s.postcode, s.city, s.street, s.lat, s.lon, s.description, s.employment_type,
    s.working_time, s.start_date, s.start_text, s.is_immediate_start, s.places, s.url,
    s.posted_at, s.valid_through, $now, $now, $run_id, $run_id, true, s.content_hash,
    'v' || substr(s.posting_id, 2), s.sector_wz_section, s.sector_wz_division
)
