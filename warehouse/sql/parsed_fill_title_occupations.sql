-- Store each title's occupation text (registered: title_occupations, one row per title).
update postings as p
set title_occupation = t.title_occupation
from title_occupations as t
where p.title = t.title and p.title_occupation is null
