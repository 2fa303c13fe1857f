-- Rows that mention the participants in `forget_ids`: (participants, matches, rejects).
with ids as (
    select participant_id from forget_ids
),

participant_runs as (
    select run_id from runs where details->>'entity' = 'participants'
)

select
    (select count(*) from participants where participant_id in (select * from ids)),
    (select count(*) from matches where participant_id in (select * from ids)),
    (select count(*) from rejects
     where source_ref in (select * from ids) and run_id in (select * from participant_runs))
