-- Store the run's result per posting (registered: dedup_updates, one row per changed posting).
update postings as p
set
    vacancy_id = u.vacancy_id,
    title_normalised = u.title_normalised,
    employer_normalised = u.employer_normalised,
    city_normalised = u.city_normalised,
    weekly_hours = u.weekly_hours,
    title_words = u.title_words,
    dedup_hash = p.content_hash,
    dedup_run_id = $run_id
from dedup_updates as u
where p.posting_id = u.posting_id
