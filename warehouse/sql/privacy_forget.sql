-- Remove the participants listed in `forget_ids` (column participant_id) everywhere they
-- appear: profiles, matches, review drops, and the ids of their rejected rows.
delete from matches where participant_id in (select participant_id from forget_ids);
delete from match_review_drops where participant_id in (select participant_id from forget_ids);
delete from participants where participant_id in (select participant_id from forget_ids);
delete from rejects
where source_ref in (select participant_id from forget_ids)
  and run_id in (select run_id from runs where details->>'entity' = 'participants');
