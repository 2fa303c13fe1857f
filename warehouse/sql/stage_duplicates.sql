-- A second accepted record with the same id in one load is a duplicate of the first
-- (the validate stage's last rule, over the whole load rather than one batch).
update staged as s
set reject_reason = 'duplicate of row ' || coalesce(d.first_row::varchar, '<NA>')
    || ' (same id ' || s.source_ref || ')'
from (
    select
        position,
        first_value("row_number") over same_id as first_row,
        row_number() over same_id as nth
    from staged
    where reject_reason is null
    window same_id as (partition by source_ref order by position)
) as d
where s.position = d.position
  and d.nth > 1
