-- The vacancy each listed id stands for now: itself while it exists, else the vacancy its
-- postings went to when dedup merged it (vacancy_events, followed to the end of the chain).
-- Ids that name no vacancy, now or before, are missing from the result.
with recursive listed as (
    select distinct listed_id from listed_ids
),

moves as (
    select vacancy_id, arg_max(other_vacancy_id, happened_at) as other_vacancy_id
    from vacancy_events
    where event = 'merge' and vacancy_id not in (select vacancy_id from vacancies)
    group by vacancy_id
),

chain(listed_id, vacancy_id, depth) as (
    select listed_id, listed_id, 0 from listed
    union all
    select c.listed_id, m.other_vacancy_id, c.depth + 1
    from chain as c
    inner join moves as m on m.vacancy_id = c.vacancy_id
    where c.depth < 50
),

final as (
    select c.listed_id, arg_max(c.vacancy_id, c.depth) as vacancy_id
    from chain as c
    inner join vacancies as v on v.vacancy_id = c.vacancy_id
    group by c.listed_id
)

select listed_id, vacancy_id from final
