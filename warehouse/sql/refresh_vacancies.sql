-- Vacancies are clusters of postings: canonical fields from the most recently seen posting.
delete from vacancies;

insert into vacancies
with final as (
    select
        vacancy_id,
        arg_max(title, last_seen) as title,
        arg_max(employer, last_seen) as employer,
        arg_max(occupation, last_seen) as occupation,
        arg_max(sector, last_seen) as sector,
        arg_max(postcode, last_seen) as postcode,
        arg_max(city, last_seen) as city,
        arg_max(employment_type, last_seen) as employment_type,
        arg_max(working_time, last_seen) as working_time,
        arg_max(start_date, last_seen) as start_date,
        max(places) as places,
        count(*) as n_postings,
        count(distinct source) as n_sources,
        list(distinct source order by source) as sources,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen,
        bool_or(is_active) as is_active
    from postings
    group by vacancy_id
)

select * from final
