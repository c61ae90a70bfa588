-- daily_feedback_distribution must account for every response exactly once, and its counts must add up:
-- responses summed over all groups equal the rows of response_signals; within a group, rating_1 to rating_5
-- sum to ratings and no group has more thumbs or ratings than responses (each response votes at most once
-- per signal). Returns a row per violation. meta.dagster.ref attaches it to daily_feedback_distribution.
{{ config(meta={'dagster': {'ref': {'name': 'daily_feedback_distribution'}}}) }}

with

distribution as (

    select * from {{ ref('daily_feedback_distribution') }}

),

response_totals as (

    select count(*) as responses from {{ ref('response_signals') }}

),

unbalanced_groups as (

    select
        'group counts do not add up' as violation,
        response_date,
        model,
        model_version,
        prompt_version
    from distribution
    where rating_1 + rating_2 + rating_3 + rating_4 + rating_5 != ratings
        or thumbs_up + thumbs_down > responses
        or ratings > responses

),

missing_responses as (

    select
        'responses differ from response_signals' as violation,
        null as response_date,
        null as model,
        null as model_version,
        null as prompt_version
    from response_totals
    where response_totals.responses != (select coalesce(sum(responses), 0) from distribution)

),

final as (

    select * from unbalanced_groups
    union all
    select * from missing_responses

)

select * from final
