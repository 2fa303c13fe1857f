-- The key the stored pseudonyms were made with, and how much depends on it:
-- (fingerprint or null, participants stored, forgotten participants recorded).
select
    (select fingerprint from pseudonym_keys order by first_used_at limit 1) as fingerprint,
    (select count(*) from participants) as participants,
    (select count(*) from forgotten_participants) as forgotten
