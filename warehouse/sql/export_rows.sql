-- The employer-service list of one approved match run ($run_id): per vacancy its proposed
-- participants. A participant leaves the warehouse only as a pseudonym with the ranker's
-- reasons; nothing else of the profile is read. Matches whose participant is no longer
-- active, or whose vacancy closed or was merged away since the run, are flagged, not sent.
-- Rows a coach dropped in review (match_review_drops) are not read at all. The reasons come
-- as the stored JSON and the sources as their names: both are put in words in Python.
with drops as (
    select participant_id, vacancy_id
    from match_review_drops
    where run_id = $run_id
),

run_matches as (
    select m.participant_id, m.vacancy_id, m.rank, m.score, m.distance_km, m.reasons
    from matches as m
    where m.run_id = $run_id
      and not exists (
          select 1 from drops as d
          where d.participant_id = m.participant_id
            and (d.vacancy_id is null or d.vacancy_id = m.vacancy_id)
      )
),

active_participants as (
    select distinct participant_id
    from participants
    where is_active
),

final as (
    select
        m.vacancy_id,
        v.title,
        v.employer,
        v.postcode,
        v.city,
        v.sources,
        m.participant_id,
        m.rank,
        round(m.score, 3) as score,
        round(m.distance_km, 1) as distance_km,
        m.reasons::varchar as reasons,
        coalesce(v.is_active, false) and a.participant_id is not null as is_sendable
    from run_matches as m
    left join vacancies as v using (vacancy_id)
    left join active_participants as a using (participant_id)
)

select * from final
order by employer nulls last, title, vacancy_id, score desc, participant_id
