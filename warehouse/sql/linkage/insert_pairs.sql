-- The run's evidence (registered: dedup_pairs, with the columns of duplicate_pairs but run_id).
insert into duplicate_pairs by name
select $run_id as run_id, *
from dedup_pairs
