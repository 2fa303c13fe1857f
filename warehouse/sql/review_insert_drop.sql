-- One review drop: a row ($vacancy_id) or a whole participant ($vacancy_id null) of a run.
insert into match_review_drops
values ($run_id, $participant_id, $vacancy_id, $dropped_by, $dropped_at, $note)
