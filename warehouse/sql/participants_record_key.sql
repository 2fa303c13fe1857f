-- The first participant import records the fingerprint of its pseudonym key.
insert into pseudonym_keys (fingerprint, first_used_at, first_run_id)
select $fingerprint, $now, $run_id
where not exists (select 1 from pseudonym_keys)
