-- Keyed pseudonyms: participant ids become HMAC pseudonyms ('P-4XKM-9T2B-QHZ7', made with a
-- secret key outside the warehouse; pipelines/pseudonym_key.py). The warehouse keeps the
-- fingerprint of the key its pseudonyms were made with, so that an import with another
-- key is refused instead of storing every participant a second time.

create table pseudonym_keys (
    fingerprint     varchar primary key,       -- first 8 hex of HMAC(key, 'resque-key-check')
    first_used_at   timestamp not null,
    first_run_id    bigint not null            -- the participant import that first used it
);

-- Profiles stored before this migration carry the source file's own participant id,
-- which must not be kept. They are removed with their matches and the ids of their
-- rejected rows; the next import of the participant files stores them again under keyed
-- pseudonyms, and the next match run ranks them again. Erasure records stay: their
-- hashes were made from those ids, and the importer still recognises them. The file is
-- then rewritten (warehouse.db.rewrite), so that the deleted ids do not stay in freed blocks.
-- resque: rewrite the file after this migration
delete from matches;
delete from participants;
update rejects set source_ref = null
where run_id in (select run_id from runs where details->>'entity' = 'participants');
