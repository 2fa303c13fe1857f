-- The distinct titles of the staged postings not stored yet: their title_occupation is
-- derived before the insert, which writes it with the row (an UPDATE of a million rows
-- just inserted cost 1.9 s, most of it at the commit).
select distinct s.title
from staged as s
where s.reject_reason is null
  and s.title is not null
  and not exists (
      select 1 from postings as p
      where p.source = s.source and p.source_ref = s.source_ref
  )
