-- Which of the candidate ids (registered: dedup_vacancy_ids) vacancies outside the run's
-- postings (dedup_ids) already use.
select distinct vacancy_id
from postings
where vacancy_id in (select vacancy_id from dedup_vacancy_ids)
  and posting_id not in (select posting_id from dedup_ids)
