-- How many partner notes the warehouse holds (a returned list's new ones are the difference).
select count(*) from vacancy_notes
