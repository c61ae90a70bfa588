-- daily_quality must account for every response exactly once: its response counts summed over all groups
-- equal the rows (and the rows with feedback) of response_signals. Returns a row when they differ.
-- It reads two models; meta.dagster.ref attaches it to daily_quality as a Dagster asset check.
{{ config(meta={'dagster': {'ref': {'name': 'daily_quality'}}}) }}

with

daily_totals as (

    select
        coalesce(sum(responses), 0) as responses,
        coalesce(sum(responses_with_feedback), 0) as responses_with_feedback
    from {{ ref('daily_quality') }}

),

response_totals as (

    select
        count(*) as responses,
        count(*) filter (where feedback_events > 0) as responses_with_feedback
    from {{ ref('response_signals') }}

),

mismatches as (

    select
        daily_totals.responses as daily_quality_responses,
        response_totals.responses as response_signals_responses,
        daily_totals.responses_with_feedback as daily_quality_responses_with_feedback,
        response_totals.responses_with_feedback as response_signals_responses_with_feedback
    from daily_totals
    cross join response_totals
    where daily_totals.responses != response_totals.responses
        or daily_totals.responses_with_feedback != response_totals.responses_with_feedback

)

select * from mismatches
