-- Steps run outside any nightly run (by hand: resque import, crawl, forget, ...) after
-- run $since, newest first.
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
    left(split_part(error, chr(10), 1), 160) as error
from runs
where parent_run_id is null and kind <> 'run' and run_id > $since
order by run_id desc
limit $limit
