-- The labelled postings the occupation model learns from (occupations_read_postings.sql,
-- only the rows with a label): what the ranker's model is fitted on, without reading every
-- description of the warehouse.
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
    where label is not null
)

select * from final
order by posting_id
