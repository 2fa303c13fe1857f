-- Rejected rows of each source's latest run: what to fix in the source file.
with latest_runs as (
    select source, max(run_id) as run_id
    from runs
    where kind in ('import', 'crawl') and status <> 'failed'
    group by source
),

final as (
    select r.run_id, r.source, r.row_number, r.source_ref, r.reason
    from rejects as r
    inner join latest_runs using (source, run_id)
)

select * from final
order by source, row_number
limit $limit
