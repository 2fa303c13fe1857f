-- Matching: where each participant profile came from, and the shift wish the ranker needs.
-- Participants stay pseudonymous: only the allow-listed profile fields exist as columns
-- (see pipelines/participants.py); no raw payload of a participant file is ever stored.

alter table participants add column source varchar;          -- configured source of the profile
alter table participants add column accepts_shift boolean;   -- false: 'keine Schicht'; null: not said
alter table participants add column first_run_id bigint;
alter table participants add column last_run_id bigint;
