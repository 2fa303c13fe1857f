-- Whether a participant id names an active profile.
select count(*) > 0 as found
from participants
where participant_id = $id and is_active
