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

-- the stored title_occupation of the vacancy's title (the same for every posting that
-- carries that title); null where none is stored, and the ranker derives it
titled as (
    select vacancy_id, title, any_value(title_occupation) as title_occupation
    from postings
    where title_occupation is not null
    group by vacancy_id, title
),

final as (
    select
        v.vacancy_id,
        v.title,
        t.title_occupation,
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
    left join titled as t on v.vacancy_id = t.vacancy_id and v.title = t.title
    where v.is_active
)

select * from final
order by vacancy_id
