-- Every posting's title, description and its training label: the FIRST occupation the source
-- named (the Jobsuche's main occupation comes first, then `alleBerufe`, joined by '; ' — see
-- spiders/ba_jobsuche.py OCCUPATION_SEPARATOR); null where the source named none.
-- $labelled_only: just the postings with a label, all the model's fit needs (the ranker's
-- model, warehouse.occupations.tonights_model, reads no other description).
with labelled as (
    select
        posting_id,
        title,
        description,
        nullif(trim(split_part(occupation, '; ', 1)), '') as label
    from postings
),

final as (
    select * from labelled
    where label is not null or not $labelled_only
)

select * from final
order by posting_id
