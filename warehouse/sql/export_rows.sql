-- The employer-service list of one approved match run ($run_id): per vacancy its proposed
-- participants. A participant leaves the warehouse only as a pseudonym with the ranker's
-- reasons; nothing else of the profile is read. Matches whose participant is no longer
-- active, or whose vacancy closed or was merged away since the run, are flagged, not sent.
with run_matches as (
    select participant_id, vacancy_id, rank, score, distance_km, reasons
    from matches
    where run_id = $run_id
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
        array_to_string(v.sources, ', ') as sources,
        m.participant_id,
        m.rank,
        round(m.score, 3) as score,
        round(m.distance_km, 1) as distance_km,
        coalesce(
            nullif(array_to_string(json_extract_string(m.reasons, '$.lines[*]'), '; '), ''),
            m.reasons ->> '$.summary'
        ) as reasons,
        coalesce(v.is_active, false) and a.participant_id is not null as is_sendable
    from run_matches as m
    left join vacancies as v using (vacancy_id)
    left join active_participants as a using (participant_id)
)

select * from final
order by employer nulls last, title, vacancy_id, score desc, participant_id
