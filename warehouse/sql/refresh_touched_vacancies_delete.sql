-- After a load, step 2 of 4: the touched vacancies' old rows go.
delete from vacancies
where vacancy_id in (select vacancy_id from touched_vacancies)
