-- Settled postings that can share a block with a dirty one (registered: dedup_dirty_keys),
-- rule by rule as matching.blocking.default_rules() forms blocks: the same employer and
-- postcode; the same employer and town, or title, where one side lacks the postcode or
-- town; the same place and a blocking word of the title. Their stored keys are used.
-- Ordered, so that ties in a giant block's sorted neighbourhood fall the same way each run.
-- `settled` is materialised: the four branches and the final select read it, not postings
-- (a third of the time at 1M postings).
with settled as materialized (
    select
        posting_id,
        postcode,
        first_seen,
        vacancy_id,
        dedup_run_id,
        employer_normalised,
        city_normalised,
        title_normalised,
        weekly_hours,
        coalesce(postcode, city_normalised) as place_key,
        title_words
    from postings
    where dedup_hash is not distinct from content_hash
),

by_employer_postcode as (
    select s.posting_id
    from settled as s
    inner join dedup_dirty_keys as d
        on s.employer_normalised = d.employer_key and s.postcode = d.postcode
),

by_employer_town as (
    select s.posting_id
    from settled as s
    inner join dedup_dirty_keys as d
        on s.employer_normalised = d.employer_key and s.city_normalised = d.town_key
    where s.postcode is null or d.postcode is null
),

by_employer_title as (
    select s.posting_id
    from settled as s
    inner join dedup_dirty_keys as d
        on s.employer_normalised = d.employer_key and s.title_normalised = d.title_key
    where s.city_normalised is null or d.town_key is null
),

dirty_words as (
    select distinct place_key, unnest(string_split(title_words, ' ')) as word
    from dedup_dirty_keys
    where title_words is not null
),

settled_words as (
    select posting_id, place_key, unnest(string_split(title_words, ' ')) as word
    from settled
    where title_words is not null and place_key in (select place_key from dirty_words)
),

by_place_word as (
    select s.posting_id
    from settled_words as s
    inner join dirty_words as d on s.place_key = d.place_key and s.word = d.word
),

neighbours as (
    select posting_id from by_employer_postcode
    union
    select posting_id from by_employer_town
    union
    select posting_id from by_employer_title
    union
    select posting_id from by_place_word
),

final as (
    select
        p.posting_id,
        p.postcode,
        p.first_seen,
        p.vacancy_id as previous_vacancy_id,
        p.dedup_run_id is null as is_new,
        false as is_dirty,
        p.title_normalised,
        p.employer_normalised,
        p.city_normalised,
        p.weekly_hours
    from settled as p
    semi join neighbours as n on n.posting_id = p.posting_id
)

select * from final
order by posting_id
