-- Postings and employers per source: what each source holds now.
with posting_counts as (
    select
        source,
        'vacancies' as entity,
        count(*) as records,
        count(*) filter (where is_active) as active,
        max(last_seen) as last_seen
    from postings
    group by source
),

employer_counts as (
    select
        source,
        'employers' as entity,
        count(*) as records,
        count(*) filter (where is_active) as active,
        max(last_seen) as last_seen
    from employers
    group by source
),

final as (
    select * from posting_counts
    union all
    select * from employer_counts
)

select * from final
order by entity desc, source
