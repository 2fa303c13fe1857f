-- Fill the WZ 2008 columns of the stored rows from the registered relation `sector_wz`
-- (sector text -> section, division; matching/sectors.py), and rebuild the vacancies.
update postings as p
set sector_wz_section = s.section, sector_wz_division = s.division
from sector_wz as s
where p.sector = s.sector;

update employers as e
set sector_wz_section = s.section, sector_wz_division = s.division
from sector_wz as s
where e.sector = s.sector;

delete from vacancies;

insert into vacancies
select * from vacancy_summary;
