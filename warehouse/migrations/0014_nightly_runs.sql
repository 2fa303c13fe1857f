-- The nightly run (`resque run`, the Prefect flow `nightly`) as a whole. The flow opens a
-- `runs` row of kind 'run' (status 'running') before its first step and closes it after its
-- last; every step it runs names that row in `parent_run_id` (null: a step run on its own,
-- e.g. `resque import`). So `resque status` can show last night's steps together, however
-- many there are, and tell them from the commands run by hand in between.
alter table runs add column parent_run_id bigint;

-- What each source held when a nightly run closed: `resque status` compares two nights to
-- flag a source whose active records fell sharply (no other table keeps this history).
create table run_source_counts (
    run_id          bigint not null,           -- the nightly run (runs.kind = 'run')
    source          varchar not null,
    entity          varchar not null,          -- vacancies | employers
    records         bigint not null,
    active          bigint not null
);
