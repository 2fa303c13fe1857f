-- The active vacancies for the partners' circulating list: optionally only those with a
-- source whose name contains $source, first seen on or after $since (reports/vacancy_list.py
-- sorts them for German readers).
select
    vacancy_id,
    title,
    employer,
    postcode,
    city,
    working_time,
    start_date,
    places,
    sources
from vacancies
where
    is_active
    and ($source is null or len(list_filter(sources, lambda s: contains(s, $source))) > 0)
    and ($since is null or first_seen >= $since)
order by vacancy_id
