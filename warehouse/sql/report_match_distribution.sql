-- How many active participants got 0, 1, 2, ... matches in the latest match run.
select
    matches,
    count(*) as participants
from match_coverage
where is_active
group by matches
order by matches
