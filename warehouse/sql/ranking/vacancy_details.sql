-- What a coach needs to recognise a vacancy in a ranked list; reads the relation `wanted`.
with final as (
    select v.vacancy_id, v.title, v.employer, v.postcode, v.city, v.start_date, v.working_time
    from vacancies as v
    inner join wanted as w using (vacancy_id)
)

select * from final
