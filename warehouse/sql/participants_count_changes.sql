-- How the accepted profiles relate to what is stored: (new, changed). Reads `participant_batch`.
with accepted as (
    select * from participant_batch where reject_reason is null
),

final as (
    select
        count(*) filter (where p.participant_id is null) as rows_new,
        count(*) filter (
            where p.participant_id is not null and (
                p.desired_occupations is distinct from a.desired_occupations
                or p.skills is distinct from a.skills
                or p.languages is distinct from a.languages
                or p.qualifications is distinct from a.qualifications
                or p.licences is distinct from a.licences
                or p.working_time is distinct from a.working_time
                or p.accepts_shift is distinct from a.accepts_shift
                or p.postcode is distinct from a.postcode
                or p.city is distinct from a.city
                or p.radius_km is distinct from a.radius_km
                or p.available_from is distinct from a.available_from
                or not p.is_active
            )
        ) as rows_updated
    from accepted as a
    left join participants as p using (participant_id)
)

select * from final
