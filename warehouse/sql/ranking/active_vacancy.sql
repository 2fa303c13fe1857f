-- Whether a vacancy id names an active vacancy.
select count(*) > 0 as found
from vacancies
where vacancy_id = $id and is_active
