-- Whether a rewrite was asked for and not yet done (migration 0008).
select count(*) > 0 from pending_rewrite
