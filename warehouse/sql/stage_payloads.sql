-- Each batch row's raw payload as JSON, beside its record's key and verdict.
-- `raw_rows` holds the rows as read, in batch order; {payload} turns a row `r` into JSON.
create or replace temp table staged_payloads as
with joined as (
    select b.source, b.source_ref, b.row_number, b.reject_reason, {payload} as payload
    from batch as b
    positional join raw_rows as r
),

final as (
    select *, md5(payload::varchar) as payload_hash
    from joined
)

select * from final
