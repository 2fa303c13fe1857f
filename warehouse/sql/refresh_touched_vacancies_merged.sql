-- After a load, step 4 of 4: a touched vacancy of several postings (merged by dedup) is
-- summarised by vacancy_summary, as the full rebuild does. $vacancy_ids lists them: a
-- filter DuckDB pushes below the view's grouping, where a subquery would aggregate every
-- posting first (seconds for a million); warehouse/load.py skips the step when it is empty.
insert into vacancies
select *
from vacancy_summary
where list_contains($vacancy_ids, vacancy_id)
