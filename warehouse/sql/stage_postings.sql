-- The batch as it will be stored, with its ids and content hash derived.
-- Reads the registered relation `batch` (normalised and validated records).
create or replace temp table staged as
with final as (
    select
        'p' || substr(md5(source || chr(31) || source_ref), 1, 15) as posting_id,
        *,
        md5(concat_ws(chr(31),
            title, employer, occupation, sector, postcode, city, street,
            lat::varchar, lon::varchar, description, employment_type, working_time,
            start_date::varchar, start_text, places::varchar, url,
            posted_at::varchar, valid_through::varchar
        )) as content_hash
    from batch
)

select * from final
