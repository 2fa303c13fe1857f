-- Rebuild only the vacancies an incremental dedup run touched (registered: dedup_vacancy_ids;
-- the same ids as the list $vacancy_ids, a filter DuckDB pushes below the view's grouping,
-- where a semi join with the registered table would aggregate every posting first).
delete from vacancies
where vacancy_id in (select vacancy_id from dedup_vacancy_ids);

insert into vacancies
select *
from vacancy_summary
where list_contains($vacancy_ids, vacancy_id)
