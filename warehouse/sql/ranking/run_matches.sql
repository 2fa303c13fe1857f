-- The stored matches of one run, for evaluation and export.
select participant_id, vacancy_id, rank, score, distance_km
from matches
where run_id = $run_id
order by participant_id, rank
