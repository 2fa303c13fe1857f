-- Every posting's title, description and its training label: the FIRST occupation the source named (the
-- Jobsuche's main occupation comes first, then `alleBerufe`, joined by '; ' — see
-- spiders/ba_jobsuche.py OCCUPATION_SEPARATOR); null where the source named none.
with final as (
    select
        posting_id,
        title,
        description,
        nullif(trim(split_part(occupation, '; ', 1)), '') as label
    from postings
)

select * from final
order by posting_id
