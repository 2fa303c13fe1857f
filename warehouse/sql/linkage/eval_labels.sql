-- The labelled postings (registered: dedup_labels) with their current vacancy, if loaded,
-- and the employer key and postcode that group them for the large-employer scores.
select l.source, l.source_ref, l.cluster, p.vacancy_id, p.employer_normalised, p.postcode
from dedup_labels as l
left join postings as p on p.source = l.source and p.source_ref = l.source_ref
