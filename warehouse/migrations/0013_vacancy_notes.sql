-- The partners' circulating list (issue 16): `resque export vacancies` hands the active
-- vacancies out, `resque import vacancy-list FILE --partner NAME` takes a partner's copy back.
-- Each row is one partner's word on one vacancy, as written in one returned list: who said
-- what, when. A vacancy is never changed or deleted by it; a partner's "nein" shows in
-- `vacancy_partner_reports` and `resque status`.
create table vacancy_notes (
    vacancy_id       varchar not null,         -- the vacancy now (a merged id is followed)
    listed_id        varchar not null,         -- the Stellen-ID as the returned list wrote it
    partner          varchar not null,         -- --partner: the organisation that answered
    still_open       boolean,                  -- 'Noch offen?': false = reported closed
    places           integer,                  -- 'Plätze' as the partner knows them
    start_date       date,                     -- 'Beginn' as the partner knows it
    contact_known_at varchar,                  -- the organisation that knows a contact, never a person
    note             varchar,                  -- 'Hinweis' (checked by the privacy guard)
    received_at      timestamp not null,
    run_id           bigint not null,          -- the import run (runs.kind = 'import')
    row_number       bigint not null           -- as a spreadsheet user counts (header = row 1)
);

-- Each partner's latest word on each vacancy, field by field: a later list that leaves
-- 'Noch offen?' empty does not take back an earlier "nein". Without the free-text note,
-- so the analysts' snapshot (which recreates the views) can hold it.
create view vacancy_partner_reports as
with ordered as (
    select *, {'run': run_id, 'row': row_number} as said
    from vacancy_notes
)

select
    vacancy_id,
    partner,
    arg_max(still_open, said) filter (where still_open is not null) as still_open,
    arg_max(places, said) filter (where places is not null) as places,
    arg_max(start_date, said) filter (where start_date is not null) as start_date,
    arg_max(contact_known_at, said) filter (where contact_known_at is not null)
        as contact_known_at,
    max(received_at) as last_received_at,
    count(*) as notes
from ordered
group by vacancy_id, partner;
