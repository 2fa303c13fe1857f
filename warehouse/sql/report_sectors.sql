-- Active vacancies per WZ 2008 section. "ohne Angabe" only where no source named a sector;
-- a sector text the synonym table does not know is "nicht zugeordnet" (issue 13).
with labelled as (
    select
        case
            when v.sector_wz_section is not null then v.sector_wz_section || ' ' || w.name
            when nullif(trim(v.sector), '') is null then 'ohne Angabe'
            else 'nicht zugeordnet'
        end as sector
    from vacancies as v
    left join wz2008 as w on w.code = v.sector_wz_section
    where v.is_active
)

select
    sector,
    count(*) as vacancies
from labelled
group by all
order by vacancies desc, sector
