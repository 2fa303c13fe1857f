-- Normalise once, parse once (issue 15, point 4): what the ranker derived from the stored
-- text on every match run is derived once, at import, and stored beside that text.
-- title_occupation: the title as the occupation it names, without a place tail
--   (matching.normalise.title_occupations); the ranker adds a stated occupation's
--   words and strips the town itself. Filled after each posting load (warehouse/parsed.py).
-- desired_occupation_keys: each wish as occupation text, wish by wish
--   (matching.ranking.profiles.wish_keys), in the order of desired_occupations.
-- language_levels: language -> CEFR level (1-6, 7 mother tongue; profiles.language_levels).
-- Licences are stored as codes since 0003 (`licences`). The rows stored before this
-- migration are filled by its data step (db.AFTER_MIGRATION).
alter table postings add column title_occupation varchar;
alter table participants add column desired_occupation_keys varchar[];
alter table participants add column language_levels map(varchar, integer);
