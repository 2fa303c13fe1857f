-- Before the posting merge: forget the title_occupation of every stored posting whose
-- title the staged load changes, so that parsed_fill_title_occupations derives it anew.
update postings as p
set title_occupation = null
from staged as s
where
    s.reject_reason is null
    and p.source = s.source
    and p.source_ref = s.source_ref
    and p.title is distinct from s.title
    and p.title_occupation is not null
