-- The profiles whose wishes or languages are not parsed into their typed columns yet.
select participant_id, desired_occupations, languages
from participants
where desired_occupation_keys is null or language_levels is null
