-- A refused row of a returned list: its line, the Stellen-ID it gave and why; never its
-- content, which may be what the privacy guard refused.
insert into rejects (run_id, source, row_number, source_ref, reason)
select $run_id, $partner, row_number, listed_id, reason
from refused_rows
