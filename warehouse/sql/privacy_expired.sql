-- Participants whose profile no file has confirmed for longer than the retention period.
select participant_id
from participants
where updated_at < $cutoff
order by participant_id
