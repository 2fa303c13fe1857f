-- The stored rows of one match run ($run_id) for a coach's review, with what identifies the
-- vacancy and whether a review dropped the row (a drop names the row or its whole participant).
with run_matches as (
    select participant_id, vacancy_id, rank, score, distance_km, reasons
    from matches
    where run_id = $run_id
),

drops as (
    select participant_id, vacancy_id
    from match_review_drops
    where run_id = $run_id
),

final as (
    select
        m.participant_id,
        m.rank,
        m.vacancy_id,
        v.title,
        v.employer,
        v.postcode,
        v.city,
        m.score,
        m.distance_km,
        m.reasons::varchar as reasons,
        exists (
            select 1 from drops as d
            where d.participant_id = m.participant_id
              and (d.vacancy_id is null or d.vacancy_id = m.vacancy_id)
        ) as dropped
    from run_matches as m
    left join vacancies as v using (vacancy_id)
)

select * from final
order by participant_id, rank
