-- Store the parsed wishes and languages (registered: participant_parsed, one row per id).
update participants as p
set
    desired_occupation_keys = x.desired_occupation_keys,
    language_levels = x.language_levels
from participant_parsed as x
where p.participant_id = x.participant_id
