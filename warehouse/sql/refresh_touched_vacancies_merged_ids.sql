-- The touched vacancies of several postings, for refresh_touched_vacancies_merged.sql.
select vacancy_id from touched_vacancies where n_postings > 1
