-- Active participants with exactly the profile fields the ranker may read (its allow-list).
with final as (
    select
        participant_id,
        desired_occupations,
        skills,
        languages,
        qualifications,
        licences,
        working_time,
        accepts_shift,
        postcode,
        city,
        radius_km,
        available_from
    from participants
    where is_active
)

select * from final
order by participant_id
