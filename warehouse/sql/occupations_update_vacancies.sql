-- Carry the postings' occupations to their vacancies, by the rule of vacancy_summary
-- (migration 0012: the newest posting's), without rebuilding the other columns.
update vacancies as v
set
    occupation_predicted = s.occupation_predicted,
    occupation_confidence = s.occupation_confidence,
    occupation_kldb = s.occupation_kldb
from (
    select
        vacancy_id,
        arg_max(occupation_predicted, last_seen) as occupation_predicted,
        arg_max(occupation_confidence, last_seen) as occupation_confidence,
        arg_max(occupation_kldb, last_seen) as occupation_kldb
    from postings
    group by vacancy_id
) as s
where
    v.vacancy_id = s.vacancy_id
    and (
        v.occupation_predicted is distinct from s.occupation_predicted
        or v.occupation_confidence is distinct from s.occupation_confidence
        or v.occupation_kldb is distinct from s.occupation_kldb
    )
