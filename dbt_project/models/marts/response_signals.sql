-- One row per response, with or without feedback: counts of each feedback signal, whether its task
-- succeeded, and the response user's consent. Counts are 0 when a response has no feedback; mean_rating,
-- dwell_seconds_total and task_succeeded are NULL when it has no rating, dwell or boolean outcome event.
-- Built incrementally: a nightly rebuilds only the responses its landing days touch
-- (macros/recomputed_responses.sql).

-- depends_on: {{ ref('stg_feedback__consent_events') }}
-- depends_on: {{ source('feedback', 'redacted_feedback') }}
-- depends_on: {{ source('feedback', 'redacted_responses') }}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ collect_recomputed_responses() }}",
            "{{ delete_recomputed('response_id', 'recomputed_responses') }}",
        ],
    )
}}

with

responses as (

    select * from {{ ref('stg_feedback__responses') }}
    {% if not recomputes_every_row() -%}
    where response_id in (select response_id from recomputed_responses)
    {%- endif %}

),

consent as (

    select * from {{ ref('int_users_consent_latest') }}

),

events_after_their_response as (

    -- the mart holds each event whose response exists and that is not stamped before it
    select
        response_id,
        event_id,
        feedback_created_at as created_at,
        feedback_landing_date,
        signal,
        thumb,
        rating,
        dwell_seconds,
        outcome_name,
        outcome_succeeded
    from {{ ref('feedback_with_responses') }}
    {% if not recomputes_every_row() -%}
    where response_id in (select response_id from recomputed_responses)
    {%- endif %}

),

signals_per_response as (

    select
        response_id,
        count(*) as feedback_events,
        count(*) filter (where thumb = 'up') as thumbs_up,
        count(*) filter (where thumb = 'down') as thumbs_down,
        count(rating) as ratings,
        avg(rating) as mean_rating,
        count(*) filter (where signal = 'comment') as comments,
        count(*) filter (where signal = 'edit') as edits,
        count(*) filter (where signal = 'regenerate') as regenerations,
        count(*) filter (where signal = 'copy') as copies,
        count(*) filter (where signal = 'abandon') as abandons,
        count(*) filter (where signal = 'reformulate') as reformulations,
        count(*) filter (where signal = 'outcome') as outcomes,
        -- summed as decimals: a sum of doubles depends on the order threads add them in, and a re-run
        -- must give the same bytes
        cast(sum(cast(dwell_seconds as decimal(38, 9))) as double) as dwell_seconds_total,
        min(feedback_landing_date) as first_feedback_landing_date,
        max(feedback_landing_date) as last_feedback_landing_date

    from events_after_their_response
    group by response_id

),

latest_boolean_outcomes as (

    -- per outcome name the latest verdict counts: a re-run of the tests that passes replaces their failure
    select
        response_id,
        outcome_succeeded

    from events_after_their_response
    where outcome_succeeded is not null
    qualify row_number() over (
        partition by response_id, outcome_name
        order by created_at desc, event_id desc
    ) = 1

),

task_outcomes as (

    -- a task succeeded when every outcome measured on it did
    select
        response_id,
        bool_and(outcome_succeeded) as task_succeeded

    from latest_boolean_outcomes
    group by response_id

),

final as (

    select
        responses.response_id,
        responses.conversation_id,
        responses.tenant_id,
        responses.user_id,
        responses.created_at,
        cast(responses.created_at as date) as response_date,
        responses.model,
        responses.model_version,
        responses.prompt_version,
        responses.feature,
        responses.language,
        responses.output,
        responses.latency_ms,
        coalesce(signals_per_response.feedback_events, 0) as feedback_events,
        coalesce(signals_per_response.thumbs_up, 0) as thumbs_up,
        coalesce(signals_per_response.thumbs_down, 0) as thumbs_down,
        coalesce(signals_per_response.ratings, 0) as ratings,
        signals_per_response.mean_rating,
        coalesce(signals_per_response.comments, 0) as comments,
        coalesce(signals_per_response.edits, 0) as edits,
        coalesce(signals_per_response.regenerations, 0) as regenerations,
        coalesce(signals_per_response.copies, 0) as copies,
        coalesce(signals_per_response.abandons, 0) as abandons,
        coalesce(signals_per_response.reformulations, 0) as reformulations,
        coalesce(signals_per_response.outcomes, 0) as outcomes,
        signals_per_response.dwell_seconds_total,
        task_outcomes.task_succeeded,
        {{ consent_allows_training('consent') }}
            and {{ consent_in_force_allows_training('served_under') }}
            as training_allowed,
        responses.landing_date as response_landing_date,
        signals_per_response.first_feedback_landing_date,
        signals_per_response.last_feedback_landing_date,
        {{ built_at() }} as built_at

    from responses
    left join signals_per_response
        on responses.response_id = signals_per_response.response_id
    left join task_outcomes
        on responses.response_id = task_outcomes.response_id
    left join consent
        on responses.user_id = consent.user_id
        and responses.tenant_id = consent.tenant_id
    {{ join_consent_in_force('served_under', 'responses.user_id', 'responses.tenant_id', 'responses.created_at') }}

)

select * from final
