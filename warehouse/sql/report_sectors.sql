-- Active vacancies per sector as the sources name it.
select
    coalesce(nullif(trim(sector), ''), 'ohne Angabe') as sector,
    count(*) as vacancies
from vacancies
where is_active
group by all
order by vacancies desc, sector
