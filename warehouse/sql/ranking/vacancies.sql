-- Active vacancies with what the ranker reads; text, coordinates and an immediate start are
-- gathered from the vacancy's active postings (a merged vacancy has several). The occupation
-- the model learned from the labelled postings (warehouse/occupations.py) comes beside the
-- raw label: the ranker prefers the raw `occupation` where there is one.
with posting_facts as (
    select
        vacancy_id,
        string_agg(distinct description, chr(10) order by description) as description,
        avg(lat) as lat,
        avg(lon) as lon,
        bool_or(is_immediate_start) as is_immediate_start
    from postings
    where is_active
    group by vacancy_id
),

final as (
    select
        v.vacancy_id,
        v.title,
        v.occupation,
        v.occupation_predicted,
        v.occupation_confidence,
        f.description,
        v.postcode,
        v.city,
        f.lat,
        f.lon,
        v.working_time,
        v.start_date,
        coalesce(f.is_immediate_start, false) as is_immediate_start
    from vacancies as v
    left join posting_facts as f using (vacancy_id)
    where v.is_active
)

select * from final
order by vacancy_id
