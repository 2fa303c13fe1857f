-- Record one written employer-service list.
insert into exports (
    export_id, kind, month, match_run_id, recipient, created_by, created_at,
    rows_written, participants, vacancies, left_out, files
)
values (
    $export_id, $kind, $month, $match_run_id, $recipient, $created_by, $created_at,
    $rows_written, $participants, $vacancies, $left_out, $files
)
