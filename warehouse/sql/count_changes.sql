-- How the accepted batch relates to what is stored: (new, changed). {table} is postings or employers.
select
    count(*) filter (where p.source_ref is null) as rows_new,
    count(*) filter (where p.source_ref is not null and p.content_hash <> s.content_hash)
        as rows_updated
from staged as s
left join {table} as p on p.source = s.source and p.source_ref = s.source_ref
where s.reject_reason is null
