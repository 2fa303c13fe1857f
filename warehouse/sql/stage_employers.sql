-- One batch of employers as it will be stored (see stage_postings.sql).
{into}
with joined as (
    select b.* exclude (raw), {payload} as payload
    from batch as b
),

final as (
    select
        'e' || substr(md5(source || chr(31) || source_ref), 1, 15) as employer_id,
        * exclude (payload),
        md5(concat_ws(chr(31), name, sector, street, postcode, city, url)) as content_hash,
        payload,
        md5(payload::varchar) as payload_hash
    from joined
)

select * from final
