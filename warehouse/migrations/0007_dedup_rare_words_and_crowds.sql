-- Evidence of two signals the dedup model gained (docs/dedup.md):
-- employer_idf: similarity of the employer names with rare words weighing more than common
--   ones ('Aue Mitte Transporte' vs 'Moor Mitte Transporte' share only common words);
-- crowd_offset: the log-odds added to two agencies' pair for how many agencies post that job
--   in that place (0 for other pairs), Splink's term-frequency adjustment.
-- Numbered 0007: 0006 is the keyed pseudonyms migration of the privacy work.
alter table duplicate_pairs add column employer_idf double;
alter table duplicate_pairs add column crowd_offset double;
