-- Upsert, step 4 of 4: an accepted posting not stored yet is inserted, as its own vacancy,
-- with the title_occupation of its title (registered: title_occupations, warehouse/parsed.py).
insert into postings (
    posting_id, source, source_ref, title, employer, occupation, sector, postcode, city,
    street, lat, lon, description, employment_type, working_time, start_date, start_text,
    is_immediate_start, places, url, posted_at, valid_through, first_seen, last_seen,
    first_run_id, last_run_id, is_active, content_hash, vacancy_id, sector_wz_section,
    sector_wz_division, title_occupation
)
select
    s.posting_id, s.source, s.source_ref, s.title, s.employer, s.occupation, s.sector,
    s.postcode, s.city, s.street, s.lat, s.lon, s.description, s.employment_type,
    s.working_time, s.start_date, s.start_text, s.is_immediate_start, s.places, s.url,
    s.posted_at, s.valid_through, $now, $now, $run_id, $run_id, true, s.content_hash,
    'v' || substr(s.posting_id, 2), s.sector_wz_section, s.sector_wz_division,
    t.title_occupation
from staged as s
left join title_occupations as t on t.title = s.title
where s.reject_reason is null
  and not exists (
      select 1 from postings as p
      where p.source = s.source and p.source_ref = s.source_ref
  )
