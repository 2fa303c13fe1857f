-- Merges and splits of the run (registered: dedup_events).
insert into vacancy_events (run_id, event, vacancy_id, other_vacancy_id, postings, happened_at)
select $run_id, event, vacancy_id, other_vacancy_id, postings, $now
from dedup_events
