-- The labelled postings (registered: dedup_labels) with their current vacancy, if loaded.
select l.source, l.source_ref, l.cluster, p.vacancy_id
from dedup_labels as l
left join postings as p on p.source = l.source and p.source_ref = l.source_ref
