-- On the warehouse: what changed it after the analysts' snapshot was published. The publish
-- that made the snapshot is the first succeeded snapshot run after the newest run the
-- snapshot holds ($last_run); the steps after it that succeeded (failed ones leave the
-- warehouse as it was) are counted by kind, in the order they first ran. No rows: the
-- snapshot is current, or the warehouse does not know its publish.
with published as (
    select
        run_id,
        started_at
    from runs
    where kind = 'snapshot' and status = 'succeeded' and run_id > $last_run
    order by run_id
    limit 1
)

select
    p.started_at as published_at,
    r.kind,
    count(*) as steps
from published as p
inner join runs as r
    on r.run_id > p.run_id and r.status = 'succeeded' and r.kind != 'snapshot'
group by p.started_at, r.kind
order by min(r.run_id)
