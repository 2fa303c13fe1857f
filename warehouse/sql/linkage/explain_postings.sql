-- The postings of one vacancy, oldest first.
select
    posting_id, source, source_ref, title, employer, postcode, city, first_seen, is_active
from postings
where vacancy_id = $vacancy_id
order by first_seen, posting_id
