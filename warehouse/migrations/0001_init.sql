-- The warehouse's first schema. Tables are documented in docs/schema.md.
-- Keys are text so that they are stable across rebuilds and readable in exports.

create sequence run_id_seq start 1;

create table runs (
    run_id          bigint primary key default nextval('run_id_seq'),
    kind            varchar not null,          -- import | crawl | dedup | match | run
    source          varchar,                   -- configured source name, null for whole-pipeline steps
    started_at      timestamp not null,
    finished_at     timestamp,
    status          varchar not null,          -- running | succeeded | failed | degraded
    rows_in         bigint,
    rows_loaded     bigint,
    rows_rejected   bigint,
    rows_new        bigint,
    rows_updated    bigint,
    rows_deactivated bigint,
    error           varchar,
    details         json                       -- file path, crawl health, timings
);

-- What arrived, exactly as it arrived. One row per distinct payload of a record:
-- re-importing an unchanged record adds nothing, a changed one adds its new version.
create table raw_records (
    source          varchar not null,
    source_ref      varchar not null,
    payload_hash    varchar not null,
    run_id          bigint not null,
    received_at     timestamp not null,
    entity          varchar not null,          -- vacancies | employers
    payload         json not null
);

create table postings (
    posting_id      varchar not null,          -- hash of (source, source_ref): stable
    source          varchar not null,
    source_ref      varchar not null,          -- the source's own id, or 'h:' + content hash
    title           varchar not null,
    employer        varchar,
    occupation      varchar,
    sector          varchar,
    postcode        varchar,                   -- 5-digit German PLZ as text
    city            varchar,
    street          varchar,
    lat             double,
    lon             double,
    description     varchar,
    employment_type varchar,                   -- work | apprenticeship | internship | ...
    working_time    varchar,                   -- full_time | part_time | shift | ...
    start_date      date,
    start_text      varchar,                   -- the start as the source wrote it ('ab sofort')
    is_immediate_start boolean not null default false,
    places          integer,
    url             varchar,
    posted_at       date,
    valid_through   date,
    first_seen      timestamp not null,
    last_seen       timestamp not null,
    first_run_id    bigint not null,
    last_run_id     bigint not null,
    is_active       boolean not null default true,
    content_hash    varchar not null,
    vacancy_id      varchar not null
);

create table vacancies (
    vacancy_id      varchar not null,
    title           varchar not null,
    employer        varchar,
    occupation      varchar,
    sector          varchar,
    postcode        varchar,
    city            varchar,
    employment_type varchar,
    working_time    varchar,
    start_date      date,
    places          integer,
    n_postings      integer not null,
    n_sources       integer not null,
    sources         varchar[] not null,
    first_seen      timestamp not null,
    last_seen       timestamp not null,
    is_active       boolean not null
);

create table employers (
    employer_id     varchar not null,          -- hash of (source, source_ref)
    source          varchar not null,
    source_ref      varchar not null,
    name            varchar not null,
    name_normalised varchar not null,
    sector          varchar,
    street          varchar,
    postcode        varchar,
    city            varchar,
    url             varchar,
    first_seen      timestamp not null,
    last_seen       timestamp not null,
    first_run_id    bigint not null,
    last_run_id     bigint not null,
    is_active       boolean not null default true,
    content_hash    varchar not null
);

-- Rows of an otherwise good file that failed validation, with the reason.
create table rejects (
    run_id          bigint not null,
    source          varchar not null,
    row_number      bigint,                    -- as a spreadsheet user counts (header = row 1)
    source_ref      varchar,
    reason          varchar not null,
    payload         json
);

-- Participants are pseudonymous: no name, contact, birth date, nationality or other
-- protected attribute is ever stored (the importer refuses such files).
create table participants (
    participant_id  varchar not null,          -- pseudonym
    desired_occupations varchar[],
    skills          varchar[],
    languages       varchar[],                 -- 'Deutsch B1'
    qualifications  varchar[],
    licences        varchar[],
    working_time    varchar,
    postcode        varchar,
    city            varchar,
    radius_km       double,
    available_from  date,
    is_active       boolean not null default true,
    updated_at      timestamp not null
);

create table matches (
    run_id          bigint not null,
    participant_id  varchar not null,
    vacancy_id      varchar not null,
    rank            integer not null,
    score           double not null,
    distance_km     double,
    reasons         json
);
