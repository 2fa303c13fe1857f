-- The ranked matches of one run; reads the registered relation `ranked`.
insert into matches (run_id, participant_id, vacancy_id, rank, score, distance_km, reasons)
select $run_id, participant_id, vacancy_id, rank, score, distance_km, reasons::json
from ranked
