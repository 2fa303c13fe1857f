-- Postings per week of publication (else first sighting) and source: the last 26 weeks.
with dated as (
    select
        source,
        date_trunc('week', coalesce(posted_at, first_seen::date))::date as week
    from postings
),

final as (
    select
        week,
        source,
        count(*) as postings
    from dated
    where week > (select max(week) from dated) - interval 26 weeks
    group by all
)

select * from final
order by week, source
