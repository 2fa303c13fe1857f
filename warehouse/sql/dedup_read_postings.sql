-- Every posting with what the dedup stage compares (full run), in a fixed order: ties in a
-- giant block's sorted neighbourhood fall by row position, and an import's row order is
-- not fixed, so without it two full runs over the same postings could differ by a few pairs.
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
