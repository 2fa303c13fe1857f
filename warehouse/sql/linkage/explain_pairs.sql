-- The stored evidence for the pairs touching one vacancy: inside it first, then near misses
-- with postings of other vacancies, most likely first.
with members as (
    select posting_id from postings where vacancy_id = $vacancy_id
),

touching as (
    select d.*,
        d.left_posting_id in (select posting_id from members)
        and d.right_posting_id in (select posting_id from members) as same_vacancy
    from duplicate_pairs as d
    where d.left_posting_id in (select posting_id from members)
       or d.right_posting_id in (select posting_id from members)
)

select *
from touching
order by same_vacancy desc, probability desc, left_posting_id, right_posting_id
