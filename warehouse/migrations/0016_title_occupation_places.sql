-- title_occupation anew (issue 14): normalise.title_occupations cut everything after
-- ' in ' + a capital as a place, so 'Arzt in Weiterbildung – Kardiologie' was stored as
-- 'arzt' and 'PhD in AI & Data Science ...' as 'phd'. It now cuts a place name only; the
-- stored keys are derived again by the data step (db.AFTER_MIGRATION, warehouse/parsed.py).
update postings set title_occupation = null where title_occupation is not null;
