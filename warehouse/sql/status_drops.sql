-- Sources whose active records fell sharply from the nightly run before $run_id to $run_id:
-- by at least $min_drop records and at least the share $share of what they held. A night
-- without counts (it did not finish) compares nothing; a source gone entirely counts as 0.
with now_counts as (
    select source, entity, active
    from run_source_counts
    where run_id = $run_id
),

before_run as (
    select max(run_id) as run_id
    from run_source_counts
    where run_id < $run_id
),

before_counts as (
    select counts.source, counts.entity, counts.active
    from run_source_counts as counts
    inner join before_run using (run_id)
),

compared as (
    select
        before_counts.source,
        before_counts.entity,
        before_counts.active as before,
        coalesce(now_counts.active, 0) as now
    from before_counts
    left join now_counts using (source, entity)
    where exists (select 1 from now_counts)
),

final as (
    select
        source,
        entity,
        before,
        now,
        before - now as fell,
        round(100.0 * (before - now) / before)::integer as fell_percent
    from compared
    where before - now >= $min_drop and before - now >= $share * before
)

select * from final
order by fell desc, source, entity
