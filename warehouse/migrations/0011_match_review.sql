-- A job coach's review of a match run before approval (issue 14, docs/flows.md): rows or whole
-- participants dropped from the run's list. Each row records who dropped what, when, so the
-- table is also the review's audit, as match_approvals is the approval's. A dropped row stays
-- in `matches` (the ranker's output is kept as it was); the export leaves it out.
create table match_review_drops (
    run_id          bigint not null,           -- the reviewed match run (runs.kind = 'match')
    participant_id  varchar not null,          -- a pseudonym, as in `matches`
    vacancy_id      varchar,                   -- null: every row of the participant
    dropped_by      varchar not null,          -- --by NAME, else the login name
    dropped_at      timestamp not null,
    note            varchar
);
