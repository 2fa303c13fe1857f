-- Every distinct sector text stored, to map each once.
select sector from postings where sector is not null
union
select sector from employers where sector is not null
