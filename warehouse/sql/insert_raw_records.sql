-- Keep each distinct payload of a record once: unchanged re-imports add nothing.
insert into raw_records (source, source_ref, payload_hash, run_id, received_at, entity, payload)
select s.source, s.source_ref, s.payload_hash, $run_id, $now, $entity, s.payload
from staged as s
where s.reject_reason is null
  and not exists (
      select 1 from raw_records as r
      where r.source = s.source and r.source_ref = s.source_ref
        and r.payload_hash = s.payload_hash
  )
