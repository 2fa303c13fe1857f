-- Erasure: who was forgotten, when, by whom, and what was removed. The pseudonym itself is
-- not kept, only a hash of it, so a later import of the same pseudonym can be refused.

create table forgotten_participants (
    id_hash             varchar not null,      -- sha256 of the pseudonym (warehouse/privacy.py)
    forgotten_at        timestamp not null,
    forgotten_by        varchar not null,      -- --by NAME, or 'retention'
    reason              varchar not null,      -- request | retention
    participants_removed integer not null,
    matches_removed     integer not null,
    rejects_removed     integer not null
);
