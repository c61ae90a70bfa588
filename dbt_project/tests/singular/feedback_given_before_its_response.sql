-- Feedback events stamped before the response they rate: a client clock gone wrong or a forged line. The
-- join leaves them out (int_feedback_events_joined_to_responses), so this warns rather than fails; each row
-- names the event and where it landed. meta.dagster.ref attaches it to feedback_with_responses.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'feedback_with_responses'}}}) }}

with

events as (

    select * from {{ ref('stg_feedback__events') }}

),

responses as (

    select * from {{ ref('stg_feedback__responses') }}

),

too_early as (

    select
        events.event_id,
        events.response_id,
        events.created_at as feedback_created_at,
        responses.created_at as response_created_at,
        events.landing_date,
        events.source_file,
        events.source_line
    from events
    inner join responses
        on events.response_id = responses.response_id
    where events.created_at < responses.created_at

)

select * from too_early
