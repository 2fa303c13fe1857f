-- Upsert the accepted profiles of `participant_batch`: the latest file's profile wins.
merge into participants as p
using (select * from participant_batch where reject_reason is null) as s
on p.participant_id = s.participant_id
when matched then update set
    desired_occupations = s.desired_occupations, skills = s.skills, languages = s.languages,
    qualifications = s.qualifications, licences = s.licences, working_time = s.working_time,
    accepts_shift = s.accepts_shift, postcode = s.postcode, city = s.city,
    radius_km = s.radius_km, available_from = s.available_from,
    desired_occupation_keys = s.desired_occupation_keys, language_levels = s.language_levels,
    is_active = true, updated_at = $now, source = $source, last_run_id = $run_id
when not matched then insert (
    participant_id, desired_occupations, skills, languages, qualifications, licences,
    working_time, accepts_shift, postcode, city, radius_km, available_from, is_active,
    updated_at, source, first_run_id, last_run_id, desired_occupation_keys, language_levels
) values (
    s.participant_id, s.desired_occupations, s.skills, s.languages, s.qualifications,
    s.licences, s.working_time, s.accepts_shift, s.postcode, s.city, s.radius_km,
    s.available_from, true, $now, $source, $run_id, $run_id, s.desired_occupation_keys,
    s.language_levels
)
