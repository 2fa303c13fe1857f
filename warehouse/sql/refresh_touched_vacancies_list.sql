-- After a load, step 1 of 4: the vacancies of the postings the run wrote (new, seen again,
-- changed or deactivated: each has last_run_id = $run_id), with how many postings each
-- has. Other vacancies are as the run found them, and refreshing them is most of the
-- cost of a full rebuild (refresh_vacancies.sql) once a warehouse holds several sources.
create or replace temp table touched_vacancies as
select vacancy_id, count(*) as n_postings
from postings
where vacancy_id in (select vacancy_id from postings where last_run_id = $run_id)
group by vacancy_id
