-- Active participants with exactly the profile fields the ranker may read (its allow-list),
-- and what the import parsed them into (migration 0015): `licences` are stored as codes.
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
        available_from,
        desired_occupation_keys,
        language_levels,
        licences as licence_codes
    from participants
    where is_active
)

select * from final
order by participant_id
