-- The batch as it will be stored: ids and hashes derived, raw payload beside each record.
-- Reads the registered relations `batch` (normalised and validated records) and
-- `raw_rows` (the rows as read, in the same order); {payload} turns a raw row into JSON.
create or replace temp table staged as
with joined as (
    select b.*, {payload} as payload
    from batch as b
    positional join raw_rows as r
),

final as (
    select
        'p' || substr(md5(source || chr(31) || source_ref), 1, 15) as posting_id,
        *,
        md5(concat_ws(chr(31),
            title, employer, occupation, sector, postcode, city, street,
            lat::varchar, lon::varchar, description, employment_type, working_time,
            start_date::varchar, start_text, places::varchar, url,
            posted_at::varchar, valid_through::varchar
        )) as content_hash,
        md5(payload::varchar) as payload_hash
    from joined
)

select * from final
