-- Before a snapshot load: the source's active records, and how many of them the new list lacks
-- (what deactivate_missing would deactivate).
select
    count(*) as active,
    count(*) filter (
        where source_ref not in (select source_ref from staged where reject_reason is null)
    ) as missing
from {table}
where source = $source
  and is_active
