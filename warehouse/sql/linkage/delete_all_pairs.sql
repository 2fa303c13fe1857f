-- A full run replaces all evidence.
delete from duplicate_pairs
