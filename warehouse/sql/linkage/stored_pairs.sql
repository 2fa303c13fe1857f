-- Stored evidence among the postings of dedup_ids: what earlier runs found between them.
select left_posting_id, right_posting_id, probability, rule
from duplicate_pairs
where left_posting_id in (select posting_id from dedup_ids)
  and right_posting_id in (select posting_id from dedup_ids)
