-- Scheduled flows, employer-service exports and the analyst views (docs/schema.md).

create sequence export_id_seq start 1;

-- A job coach's approval of a match run: only an approved run's matches are ever exported.
create table match_approvals (
    run_id          bigint not null,           -- the approved match run (runs.kind = 'match')
    approved_by     varchar not null,          -- --by NAME, else the login name
    approved_at     timestamp not null,
    note            varchar
);

-- What was sent when, to whom: one row per written employer-service list.
create table exports (
    export_id       bigint primary key default nextval('export_id_seq'),
    kind            varchar not null,          -- employer_service
    month           varchar not null,          -- the month the list is for, '2026-12'
    match_run_id    bigint not null,           -- the approved match run it was written from
    recipient       varchar,                   -- --to: who the list is sent to
    created_by      varchar not null,
    created_at      timestamp not null,
    rows_written    integer not null,
    participants    integer not null,
    vacancies       integer not null,
    left_out        integer not null,          -- matches of participants no longer active
    files           json not null              -- [{path, bytes, sha256}]
);

-- Analyst views: the common questions, kept here so the live warehouse and the read-only
-- snapshot (resque.analytics.duckdb) answer them alike.

-- Vacancies by the week they were first published (or first seen), sector and occupation.
create view weekly_vacancies as
with first_published as (
    select
        vacancy_id,
        min(coalesce(posted_at, first_seen::date)) as published_on
    from postings
    group by vacancy_id
),

final as (
    select
        date_trunc('week', f.published_on)::date as week,
        v.sector,
        v.occupation,
        count(*) as new_vacancies,
        count(*) filter (where v.is_active) as still_active,
        sum(coalesce(v.places, 1)) as places
    from vacancies as v
    inner join first_published as f using (vacancy_id)
    group by all
)

select * from final
order by week, sector, occupation;

-- Per source: how many of its postings were merged with another posting into one vacancy.
create view duplicates_per_source as
with per_vacancy as (
    select
        vacancy_id,
        count(*) as n_postings,
        count(distinct source) as n_sources
    from postings
    group by vacancy_id
),

final as (
    select
        p.source,
        count(*) as postings,
        count(distinct p.vacancy_id) as vacancies,
        count(*) filter (where v.n_postings > 1) as postings_with_twin,
        count(*) filter (where v.n_sources > 1) as postings_in_other_sources,
        round(count(*) filter (where v.n_postings > 1) / count(*), 3) as duplicate_rate,
        round(1 - count(distinct p.vacancy_id) / count(*), 3) as within_source_rate
    from postings as p
    inner join per_vacancy as v using (vacancy_id)
    group by p.source
)

select * from final
order by source;

-- Per participant (pseudonym): matches in the latest successful match run.
create view match_coverage as
with latest_run as (
    select max(run_id) as run_id
    from runs
    where kind = 'match' and status = 'succeeded'
),

run_matches as (
    select
        m.participant_id,
        count(*) as matches,
        max(m.score) as best_score,
        min(m.distance_km) as nearest_km
    from matches as m
    inner join latest_run as l on m.run_id = l.run_id
    group by m.participant_id
),

final as (
    select
        p.participant_id,
        p.is_active,
        (select run_id from latest_run) as match_run_id,
        coalesce(r.matches, 0) as matches,
        r.best_score,
        r.nearest_km
    from participants as p
    left join run_matches as r using (participant_id)
)

select * from final
order by participant_id;
