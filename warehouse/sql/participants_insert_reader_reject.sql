-- A participant row the reader could not parse: its line and reason, not its content.
insert into rejects (run_id, source, row_number, reason)
values ($run_id, $source, $row_number, $reason)
