-- The other postings of the vacancies an incremental run touches (registered:
-- dedup_vacancy_ids; dedup_ids holds the postings already read).
select
    posting_id,
    postcode,
    first_seen,
    vacancy_id as previous_vacancy_id,
    dedup_run_id is null as is_new,
    false as is_dirty,
    title_normalised,
    employer_normalised,
    city_normalised,
    weekly_hours
from postings
where vacancy_id in (select vacancy_id from dedup_vacancy_ids)
  and posting_id not in (select posting_id from dedup_ids)
order by posting_id
