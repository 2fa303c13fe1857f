-- True while no posting has been through a dedup run: the first run is a full one.
select count(*) filter (where dedup_run_id is not null) = 0 as never_run
from postings
