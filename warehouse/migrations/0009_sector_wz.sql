-- Sectors as the WZ 2008 classification (issue 13): the section (A-U) and, where the text
-- allows, the two-digit division, beside the sector text as the source wrote it (`sector`
-- stays raw). pipelines/sectors.py derives them at load; warehouse/sectors.py fills them for
-- the rows already stored when this migration runs (db.AFTER_MIGRATION), and fills `wz2008`.
alter table postings add column sector_wz_section varchar;
alter table postings add column sector_wz_division varchar;
alter table employers add column sector_wz_section varchar;
alter table employers add column sector_wz_division varchar;
alter table vacancies add column sector_wz_section varchar;
alter table vacancies add column sector_wz_division varchar;

-- The official names of the WZ 2008 sections and divisions (Destatis), for labels.
create table wz2008 (
    code            varchar not null,          -- 'A'-'U' (section) or '01'-'99' (division)
    name            varchar not null
);

-- A vacancy's sector now comes from its newest posting that names one: a later posting
-- without a sector (e.g. from the Jobsuche) no longer hides the chamber's classification.
-- The WZ columns come last, as `vacancies` has them (refresh_vacancies.sql inserts by position).
drop view weekly_vacancies;
create or replace view vacancy_summary as
with final as (
    select
        vacancy_id,
        arg_max(title, last_seen) as title,
        arg_max(employer, last_seen) as employer,
        arg_max(occupation, last_seen) as occupation,
        arg_max(sector, last_seen) filter (where sector is not null) as sector,
        arg_max(postcode, last_seen) as postcode,
        arg_max(city, last_seen) as city,
        arg_max(employment_type, last_seen) as employment_type,
        arg_max(working_time, last_seen) as working_time,
        arg_max(start_date, last_seen) as start_date,
        max(places) as places,
        count(*) as n_postings,
        count(distinct source) as n_sources,
        list(distinct source order by source) as sources,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen,
        bool_or(is_active) as is_active,
        arg_max(sector_wz_section, last_seen) filter (where sector is not null)
            as sector_wz_section,
        arg_max(sector_wz_division, last_seen) filter (where sector is not null)
            as sector_wz_division
    from postings
    group by vacancy_id
)

select * from final;

-- Vacancies by the week they were first published (or first seen), WZ 2008 section and
-- occupation; `sector_wz_section` is null where the source named no sector or one the
-- synonym table does not know (`sector` tells which).
create view weekly_vacancies as
with first_published as (
    select
        vacancy_id,
        min(coalesce(posted_at, first_seen::date)) as published_on
    from postings
    group by vacancy_id
),

final as (
    select
        date_trunc('week', f.published_on)::date as week,
        v.sector_wz_section,
        v.occupation,
        count(*) as new_vacancies,
        count(*) filter (where v.is_active) as still_active,
        sum(coalesce(v.places, 1)) as places
    from vacancies as v
    inner join first_published as f using (vacancy_id)
    group by all
)

select * from final
order by week, sector_wz_section, occupation;
