-- Ask for the file to be rewritten; inside the transaction that deleted personal data.
insert into pending_rewrite (requested_at, reason, run_id)
values (now()::timestamp, $reason, $run_id);
