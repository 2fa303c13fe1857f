-- The distinct titles of the postings whose title_occupation is not derived yet.
select distinct title
from postings
where title_occupation is null and title is not null
