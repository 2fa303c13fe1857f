-- Near-duplicate merging (docs/dedup.md): normalised comparison keys beside the raw
-- posting columns, the evidence for each compared pair, and the history of vacancy ids.

-- What the dedup stage compares, kept beside the raw values it came from.
alter table postings add column title_normalised varchar;    -- 'verkaeufer' for 'Verkäufer*in (m/w/d)'
alter table postings add column employer_normalised varchar; -- company name without legal form
alter table postings add column city_normalised varchar;     -- town without postcode or district
alter table postings add column weekly_hours double;         -- hours per week stated in title or description
alter table postings add column title_words varchar;         -- blocking words: 'occ:staplerfahrer' or 'lager helfe'
-- content_hash as of the last dedup run that saw the posting: a posting whose hash differs
-- (new, or changed since) is compared again by the next incremental run.
alter table postings add column dedup_hash varchar;
alter table postings add column dedup_run_id bigint;

-- The evidence: every candidate pair that matched or nearly did, with each field's score.
-- Scores are 0..1; a *_missing column is 1 where either posting lacks the field.
create table duplicate_pairs (
    run_id                  bigint not null,
    left_posting_id         varchar not null,
    right_posting_id        varchar not null,
    blocking_rule           varchar not null,  -- the blocking pass that proposed the pair
    title                   double,            -- token-set similarity of the normalised titles
    title_chars             double,            -- character similarity of the titles without spaces
    title_partial           double,            -- best partial character match of the titles
    employer                double,
    employer_missing        double,
    postcode                double,            -- 1 = same postcode
    postcode_missing        double,
    town                    double,            -- 1 = same town
    town_missing            double,
    places                  double,            -- 1 = same number of places
    places_missing          double,
    source                  double,            -- 1 = both from the same source
    start_same              double,            -- 1 = same start date
    start_differ            double,            -- 1 = both have a start date and they differ
    posted_gap              double,            -- years between the publication dates (max 1)
    working_time_same       double,
    working_time_conflict   double,            -- e.g. full-time against part-time
    both_agency             double,            -- both listed by temp or placement agencies
    either_agency           double,
    description             double,
    description_missing     double,
    street                  double,
    street_missing          double,
    occupation_same         double,            -- both titles in the same occupation group
    occupation_differ       double,            -- both in a group, and the groups differ
    client_same             double,            -- both agency ads name the same kind of client
    client_differ           double,
    costly_skipped          double,            -- titles too unlike for description/street
    probability             double not null,   -- the classifier's match probability
    decision                varchar not null,  -- match | non-match
    rule                    varchar            -- hard rule or filter that decided it, if any
);

-- Merges and splits of vacancies, so a vacancy id that disappears can be followed.
create table vacancy_events (
    run_id                  bigint not null,
    event                   varchar not null,  -- merge | split
    vacancy_id              varchar not null,  -- the vacancy that gave up postings
    other_vacancy_id        varchar not null,  -- the vacancy that received them
    postings                integer not null,
    happened_at             timestamp not null
);

-- One row per vacancy, summarised from its postings (the newest posting's fields).
-- refresh_vacancies.sql copies it into `vacancies` after each import and dedup run.
create view vacancy_summary as
with final as (
    select
        vacancy_id,
        arg_max(title, last_seen) as title,
        arg_max(employer, last_seen) as employer,
        arg_max(occupation, last_seen) as occupation,
        arg_max(sector, last_seen) as sector,
        arg_max(postcode, last_seen) as postcode,
        arg_max(city, last_seen) as city,
        arg_max(employment_type, last_seen) as employment_type,
        arg_max(working_time, last_seen) as working_time,
        arg_max(start_date, last_seen) as start_date,
        max(places) as places,
        count(*) as n_postings,
        count(distinct source) as n_sources,
        list(distinct source order by source) as sources,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen,
        bool_or(is_active) as is_active
    from postings
    group by vacancy_id
)

select * from final;
