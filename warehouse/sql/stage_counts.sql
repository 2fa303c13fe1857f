-- The staged load: rows, rejected rows, and accepted rows sharing an id with an earlier one.
select
    count(*) as rows_in,
    count(*) filter (where reject_reason is not null) as rows_rejected,
    count(*) filter (where reject_reason is null)
        - count(distinct source_ref) filter (where reject_reason is null) as duplicates
from staged
