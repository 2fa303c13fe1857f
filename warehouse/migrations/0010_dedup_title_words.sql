-- Evidence of the title words the dedup model weighs since issue 12 (docs/dedup.md):
-- title_unshared: IDF-weighted share of the two titles' words the other title does not
--   cover (0 = every word covered; a rare word on one side only weighs much);
-- title_extra: 1 where only one title holds a distinctive word the other lacks.
-- Pairs whose titles name different jobs are non-matches with rule 'different_title'.
-- Numbered 0010: 0009 is the sector columns of the chamber sources (issue 13).
alter table duplicate_pairs add column title_unshared double;
alter table duplicate_pairs add column title_extra double;
