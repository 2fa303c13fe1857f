-- Vacancies (merged near-duplicates, each counted once) per week of first publication and
-- source: the last 26 weeks that have any. A vacancy counts for the source that published it
-- first, so a week's bars add up to its vacancies. A vacancy none of whose postings carries a
-- publication date has week null: the report shows those apart ("ohne Datum"), since the week
-- it was first seen says when we crawled, not when it was published.
with published as (
    select
        v.vacancy_id,
        min(p.posted_at) as published_on,
        first(p.source order by p.posted_at nulls last, p.first_seen, p.source) as source
    from vacancies as v
    inner join postings as p on p.vacancy_id = v.vacancy_id
    group by v.vacancy_id
),

weekly as (
    select
        date_trunc('week', published_on)::date as week,
        source
    from published
),

final as (
    select
        week,
        source,
        count(*) as vacancies
    from weekly
    where week is null or week > (select max(week) from weekly) - interval 26 weeks
    group by all
)

select * from final
order by week nulls last, source
