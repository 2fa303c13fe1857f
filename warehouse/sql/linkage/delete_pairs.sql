-- Evidence that a run decides anew: pairs with a posting compared again (registered: dedup_ids).
delete from duplicate_pairs
where left_posting_id in (select posting_id from dedup_ids)
   or right_posting_id in (select posting_id from dedup_ids)
