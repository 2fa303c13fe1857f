-- Active vacancies a partner reported no longer open (their latest word), newest first.
select
    r.vacancy_id,
    v.title,
    v.employer,
    r.partner,
    strftime(r.last_received_at, '%Y-%m-%d') as reported
from vacancy_partner_reports as r
inner join vacancies as v using (vacancy_id)
where v.is_active and r.still_open = false
order by r.last_received_at desc, r.vacancy_id, r.partner
limit $limit
