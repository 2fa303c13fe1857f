-- Postcode centroids learned from postings that carry coordinates (e.g. the Jobsuche API):
-- the median point of each postcode's geocoded postings beats the committed table.
with geocoded as (
    select postcode, lat, lon
    from postings
    where postcode is not null and lat is not null and lon is not null
),

final as (
    select postcode, median(lat) as lat, median(lon) as lon, count(*) as postings
    from geocoded
    group by postcode
)

select * from final
order by postcode
