-- The cause of a step that loaded yet went wrong (a degraded crawl), on its own row.
update runs set error = $error
where run_id = $run_id
