-- Rebuild only the vacancies an incremental dedup run touched (registered: dedup_vacancy_ids).
delete from vacancies
where vacancy_id in (select vacancy_id from dedup_vacancy_ids);

insert into vacancies
select *
from vacancy_summary
where vacancy_id in (select vacancy_id from dedup_vacancy_ids)
