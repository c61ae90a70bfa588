-- Thumbs and ratings per response day, model, model_version and prompt_version: the daily distributions the
-- quality-drift check compares over time, summed over tenants, features and languages from
-- cohort_daily_counts. Each response counts once per signal, with its latest thumb and its latest rating, so
-- every count is a number of responses: the independent trials a two-proportion test assumes.
-- response_signals, by contrast, counts every thumb and rating event; the two agree whenever no response has
-- more than one of a kind.

with

cohort_daily_counts as (

    select * from {{ ref('cohort_daily_counts') }}

),

aggregated as (

    select
        response_date,
        model,
        model_version,
        prompt_version,
        cast(sum(responses) as bigint) as responses,
        cast(sum(thumbs_up) as bigint) as thumbs_up,
        cast(sum(thumbs_down) as bigint) as thumbs_down,
        cast(sum(ratings) as bigint) as ratings,
        cast(sum(rating_1) as bigint) as rating_1,
        cast(sum(rating_2) as bigint) as rating_2,
        cast(sum(rating_3) as bigint) as rating_3,
        cast(sum(rating_4) as bigint) as rating_4,
        cast(sum(rating_5) as bigint) as rating_5

    from cohort_daily_counts
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
order by response_date, model, model_version, prompt_version
