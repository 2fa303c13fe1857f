-- The one-line summary `resque run` prints at the end.
select
    (select count(*) from postings) as postings,
    (select count(*) from postings where is_active) as active_postings,
    (select count(*) from vacancies) as vacancies,
    (select count(*) from employers) as employers
