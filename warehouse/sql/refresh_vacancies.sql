-- Vacancies are clusters of postings: rebuilt from the vacancy_summary view (migration 0002).
delete from vacancies;

insert into vacancies
select * from vacancy_summary
