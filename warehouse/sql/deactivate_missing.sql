-- Snapshot semantics: an active record of this source that the new list lacks is gone.
update {table}
set is_active = false, last_run_id = $run_id
where source = $source
  and is_active
  and source_ref not in (select source_ref from staged where reject_reason is null)
