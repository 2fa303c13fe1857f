-- The figures at the top of the partner report.
select
    (select count(*) from vacancies where is_active) as active_vacancies,
    (select count(*) from postings where is_active) as active_postings,
    (select count(distinct source) from postings) as sources,
    (select count(*) from participants where is_active) as participants,
    (select count(*) from match_coverage where is_active and matches > 0) as matched_participants,
    (select max(match_run_id) from match_coverage) as match_run_id,
    (select max(finished_at) from runs where status in ('succeeded', 'degraded')) as data_as_of
