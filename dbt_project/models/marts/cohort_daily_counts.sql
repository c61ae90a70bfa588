-- Per response day and cohort (tenant, model, model_version, prompt_version, feature, language): the counts
-- every quality statistic of the analysis layer is computed from. Each response counts once per signal:
-- with its latest thumb and its latest rating (a user who changes their mind counts with their final vote),
-- and once in each implicit rate however many such events it has, and with the verdict of its task's outcomes. Every count is therefore a number of
-- responses, the independent trials behind the intervals and tests, and sums over days or cohorts are exact.

with

response_signals as (

    select * from {{ ref('response_signals') }}

),

feedback as (

    select * from {{ ref('feedback_with_responses') }}

),

latest_votes as (

    select
        response_id,
        signal,
        thumb,
        rating

    from feedback
    where (signal = 'thumb' and thumb is not null) or (signal = 'rating' and rating is not null)
    qualify row_number() over (
        partition by response_id, signal
        order by feedback_created_at desc, event_id desc
    ) = 1

),

responses_with_latest_votes as (

    select
        response_signals.*,
        latest_thumbs.thumb,
        latest_ratings.rating

    from response_signals
    left join latest_votes as latest_thumbs
        on response_signals.response_id = latest_thumbs.response_id
        and latest_thumbs.signal = 'thumb'
    left join latest_votes as latest_ratings
        on response_signals.response_id = latest_ratings.response_id
        and latest_ratings.signal = 'rating'

),

final as (

    select
        {{ cohort_columns() }},
        count(*) as responses,
        count(*) filter (where thumb = 'up') as thumbs_up,
        count(*) filter (where thumb = 'down') as thumbs_down,
        count(rating) as ratings,
        count(*) filter (where rating = 1) as rating_1,
        count(*) filter (where rating = 2) as rating_2,
        count(*) filter (where rating = 3) as rating_3,
        count(*) filter (where rating = 4) as rating_4,
        count(*) filter (where rating = 5) as rating_5,
        count(*) filter (where edits > 0) as edited,
        count(*) filter (where regenerations > 0) as regenerated,
        count(*) filter (where copies > 0) as copied,
        count(*) filter (where abandons > 0) as abandoned,
        count(task_succeeded) as with_outcome,
        count(*) filter (where task_succeeded) as succeeded

    from responses_with_latest_votes
    group by {{ cohort_columns() }}

)

-- rows in key order, so that a re-run writes the same table
select * from final
order by {{ cohort_columns() }}
