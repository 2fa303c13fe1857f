-- Whether the warehouse has the partners' reports yet (migration 13; a read-only open does
-- not upgrade it).
select count(*) from duckdb_views() where view_name = 'vacancy_partner_reports'
