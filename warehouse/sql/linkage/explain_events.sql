-- Merges and splits that gave postings to or took them from one vacancy.
select run_id, happened_at, event, vacancy_id, other_vacancy_id, postings
from vacancy_events
where vacancy_id = $vacancy_id or other_vacancy_id = $vacancy_id
order by run_id, event, vacancy_id
