-- Snapshot semantics: an active participant of this source that the new file lacks has left.
update participants
set is_active = false, updated_at = $now, last_run_id = $run_id
where source = $source
  and is_active
  and participant_id not in (
      select participant_id from participant_batch where reject_reason is null
  )
