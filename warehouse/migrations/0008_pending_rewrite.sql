-- Durable erasure: a row here means the file still holds freed blocks with deleted personal
-- data (DuckDB frees deleted rows' blocks without clearing them), so it must be rewritten
-- (warehouse.db.rewrite) and the analysts' snapshot republished. The row is inserted in the
-- same transaction as the deletion (forget, retention, a migration marked with
-- REWRITE_MARKER) and is gone from the fresh copy that replaces the file. Every writable open
-- finishes a pending rewrite before it does anything else, so a kill or a full disk between
-- the deletion and the rewrite only delays it.
-- "if not exists": a migration before this one that deletes personal data (0006) creates the
-- table itself, in its own transaction, before this migration is applied.
create table if not exists pending_rewrite (
    requested_at    timestamp not null,
    reason          varchar not null,          -- 'request', 'retention' or the migration's name
    run_id          bigint                     -- the forget step's run, when there is one
);
