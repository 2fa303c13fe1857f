-- The accepted rows of a returned list. A row that says exactly what the same partner's
-- latest note on that vacancy said (the same list imported twice) adds nothing.
insert into vacancy_notes
with latest as (
    select *
    from vacancy_notes
    where partner = $partner
    qualify row_number() over (
        partition by vacancy_id order by run_id desc, row_number desc
    ) = 1
)

select
    n.vacancy_id,
    n.listed_id,
    $partner,
    n.still_open,
    n.places,
    n.start_date,
    n.contact_known_at,
    n.note,
    $received_at,
    $run_id,
    n.row_number
from new_notes as n
left join latest as l on l.vacancy_id = n.vacancy_id
where
    l.vacancy_id is null
    or l.still_open is distinct from n.still_open
    or l.places is distinct from n.places
    or l.start_date is distinct from n.start_date
    or l.contact_known_at is distinct from n.contact_known_at
    or l.note is distinct from n.note
