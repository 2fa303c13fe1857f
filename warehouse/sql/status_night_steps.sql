-- The steps of nightly run $run_id in the order they ran. seconds: since the step before (or
-- the run's start) finished. The flow runs its steps one after another, so this is the time
-- each took, a crawl's spider process included (a crawl's own row starts at its load).
with night as (
    select started_at
    from runs
    where run_id = $run_id
),

steps as (
    select *
    from runs
    where parent_run_id = $run_id
),

final as (
    select
        run_id,
        kind as step,
        source,
        status,
        rows_in as "in",
        rows_loaded as loaded,
        rows_rejected as rejected,
        rows_deactivated as deactivated,
        round(epoch(
            finished_at
            - coalesce(lag(finished_at) over (order by run_id), (select started_at from night))
        ), 1) as seconds,
        split_part(error, chr(10), 1) as error
    from steps
)

select * from final
order by run_id
