-- Thumbs and ratings per response day, model, model_version and prompt_version: the daily distributions the
-- quality-drift check compares over time. Each response counts once per signal, with its latest thumb and its
-- latest rating (a user who changes their mind counts with their final vote), so every count is a number of
-- responses: the independent trials a two-proportion test assumes. response_signals, by contrast, counts
-- every thumb and rating event; the two agree whenever no response has more than one of a kind.

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
        response_signals.response_date,
        response_signals.model,
        response_signals.model_version,
        response_signals.prompt_version,
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

aggregated as (

    select
        response_date,
        model,
        model_version,
        prompt_version,
        count(*) as responses,
        count(*) filter (where thumb = 'up') as thumbs_up,
        count(*) filter (where thumb = 'down') as thumbs_down,
        count(rating) as ratings,
        count(*) filter (where rating = 1) as rating_1,
        count(*) filter (where rating = 2) as rating_2,
        count(*) filter (where rating = 3) as rating_3,
        count(*) filter (where rating = 4) as rating_4,
        count(*) filter (where rating = 5) as rating_5

    from responses_with_latest_votes
    group by response_date, model, model_version, prompt_version

),

final as (

    select
        response_date,
        model,
        model_version,
        prompt_version,
        responses,
        thumbs_up,
        thumbs_down,
        cast(thumbs_up as double) / nullif(thumbs_up + thumbs_down, 0) as thumbs_up_rate,
        ratings,
        rating_1,
        rating_2,
        rating_3,
        rating_4,
        rating_5,
        cast(rating_4 + rating_5 as double) / nullif(ratings, 0) as high_rating_share

    from aggregated

)

select * from final
