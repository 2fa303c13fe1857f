-- How many postings the warehouse holds (an incremental run's summary).
select count(*) from postings
