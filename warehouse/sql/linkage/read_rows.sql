-- The compared fields of the postings named in the registered relation dedup_ids, in its
-- order (column position).
select
    p.posting_id,
    p.source,
    p.title,
    p.employer,
    p.city,
    p.street,
    p.description,
    p.working_time,
    p.employment_type,
    p.start_date,
    p.places,
    p.posted_at
from postings as p
inner join dedup_ids as i on i.posting_id = p.posting_id
order by i.position
