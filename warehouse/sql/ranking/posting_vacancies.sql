-- Which vacancy each posting belongs to: evaluation labels may name postings by source id.
select source, source_ref, vacancy_id
from postings
