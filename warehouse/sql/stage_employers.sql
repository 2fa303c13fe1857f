-- The employer batch as it will be stored (see stage_postings.sql).
create or replace temp table staged as
with final as (
    select
        'e' || substr(md5(source || chr(31) || source_ref), 1, 15) as employer_id,
        *,
        md5(concat_ws(chr(31), name, sector, street, postcode, city, url)) as content_hash
    from batch
)

select * from final
