-- Every posting with what the dedup stage compares (full run).
-- In the order of posting_id (a hash of source and source_ref), not as rows were loaded:
-- blocking breaks ties by row position, so the vacancies would follow the load order.
select
    posting_id,
    source,
    source_ref,
    title,
    employer,
    postcode,
    city,
    street,
    description,
    working_time,
    employment_type,
    start_date,
    places,
    posted_at,
    first_seen,
    vacancy_id as previous_vacancy_id,
    dedup_run_id is null as is_new,
    dedup_hash is distinct from content_hash as is_dirty,
    title_normalised,
    employer_normalised,
    city_normalised,
    weekly_hours,
    title_words as stored_title_words
from postings
order by posting_id
