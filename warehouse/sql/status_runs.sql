-- The most recent steps, newest first.
select
    run_id,
    kind,
    source,
    status,
    rows_in as "in",
    rows_loaded as loaded,
    rows_rejected as rejected,
    rows_new as new,
    rows_updated as updated,
    rows_deactivated as deactivated,
    strftime(started_at, '%Y-%m-%d %H:%M:%S') as started,
    round(epoch(finished_at - started_at), 1) as seconds,
    left(error, 160) as error
from runs
order by run_id desc
limit $limit
