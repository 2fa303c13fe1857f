-- After a load, step 3 of 4: a vacancy of one posting (most of them) is that posting,
-- copied without the grouping of vacancy_summary. Its columns follow the view's rules for
-- a group of one; tests/warehouse/test_warehouse.py checks the result equals the view.
insert into vacancies by name
select
    p.vacancy_id,
    p.title,
    p.employer,
    p.occupation,
    p.sector,
    p.postcode,
    p.city,
    p.employment_type,
    p.working_time,
    p.start_date,
    p.places,
    1 as n_postings,
    1 as n_sources,
    [p.source] as sources,
    p.first_seen,
    p.last_seen,
    p.is_active,
    -- the view takes these only from postings with a sector
    case when p.sector is not null then p.sector_wz_section end as sector_wz_section,
    case when p.sector is not null then p.sector_wz_division end as sector_wz_division,
    p.occupation_predicted,
    p.occupation_confidence,
    p.occupation_kldb
from postings as p
inner join touched_vacancies as t on p.vacancy_id = t.vacancy_id
where t.n_postings = 1
