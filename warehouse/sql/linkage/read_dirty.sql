-- The postings an incremental run compares: new, or changed since the last dedup run.
select
    posting_id,
    postcode,
    first_seen,
    vacancy_id as previous_vacancy_id,
    dedup_run_id is null as is_new,
    true as is_dirty
from postings
where dedup_hash is distinct from content_hash
order by posting_id
