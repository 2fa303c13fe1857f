-- One batch of postings as it will be stored: ids, content hash, raw payload and its hash.
-- Reads `batch` (normalised, validated records with their `position` in the load, and
-- `raw`: each row as read); {payload} turns `raw` into JSON.
-- {into}: 'create or replace temp table staged as' for a load's first batch, then
-- 'insert into staged'.
{into}
with joined as (
    select b.* exclude (raw), {payload} as payload
    from batch as b
),

final as (
    select
        'p' || substr(md5(source || chr(31) || source_ref), 1, 15) as posting_id,
        * exclude (payload),
        md5(concat_ws(chr(31),
            title, employer, occupation, sector, postcode, city, street,
            lat::varchar, lon::varchar, description, employment_type, working_time,
            start_date::varchar, start_text, places::varchar, url,
            posted_at::varchar, valid_through::varchar
        )) as content_hash,
        payload,
        md5(payload::varchar) as payload_hash
    from joined
)

select * from final
