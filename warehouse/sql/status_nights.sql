-- Nightly runs (`resque run`, the flow `nightly`), newest first, skipping the newest $skip:
-- when, how long, how many of their steps failed or were degraded.
with nights as (
    select run_id, started_at, finished_at, status, error
    from runs
    where kind = 'run'
),

steps as (
    select
        parent_run_id as run_id,
        count(*) as steps,
        count(*) filter (where status = 'failed') as failed,
        count(*) filter (where status = 'degraded') as degraded
    from runs
    where parent_run_id is not null
    group by parent_run_id
),

final as (
    select
        nights.run_id,
        strftime(nights.started_at, '%Y-%m-%d %H:%M:%S') as started,
        round(epoch(nights.finished_at - nights.started_at), 1) as seconds,
        coalesce(steps.steps, 0) as steps,
        coalesce(steps.failed, 0) as failed,
        coalesce(steps.degraded, 0) as degraded,
        nights.status,
        left(nights.error, 160) as error
    from nights
    left join steps using (run_id)
)

select * from final
order by run_id desc
limit $limit offset $skip
