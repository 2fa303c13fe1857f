-- Occupations learned from the employment service's labels (issue 14, docs/matching.md,
-- "Occupation model"), beside the raw `occupation` as the source wrote it:
-- occupation_predicted: the occupation name the model puts the title into (every posting,
--   labelled or not: the ranker uses the raw label where there is one);
-- occupation_confidence: the cosine of the title to that occupation's centroid (0-1);
-- occupation_kldb: the 5-digit KldB 2010 type of the raw label when the catalogue knows it,
--   else of the predicted one.
-- warehouse/occupations.py fills them on each nightly run; null until it first ran.
alter table postings add column occupation_predicted varchar;
alter table postings add column occupation_confidence double;
alter table postings add column occupation_kldb varchar;
alter table vacancies add column occupation_predicted varchar;
alter table vacancies add column occupation_confidence double;
alter table vacancies add column occupation_kldb varchar;

-- A merged vacancy takes them from its newest posting, as it takes `occupation`. The new
-- columns come last, as `vacancies` has them (refresh_vacancies.sql inserts by position).
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
            as sector_wz_division,
        arg_max(occupation_predicted, last_seen) as occupation_predicted,
        arg_max(occupation_confidence, last_seen) as occupation_confidence,
        arg_max(occupation_kldb, last_seen) as occupation_kldb
    from postings
    group by vacancy_id
)

select * from final;
