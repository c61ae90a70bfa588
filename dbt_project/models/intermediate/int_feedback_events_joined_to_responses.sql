-- Each deduplicated feedback event beside the response it is about. Orphan events (no response) drop out
-- here; the relationships test on stg_feedback__events reports them. So do events stamped before the
-- response they rate (a client's clock, a forged line): no one rates an answer before it exists, and one such
-- event must not stop every dataset of the night; the warning test feedback_given_before_its_response
-- lists them, and they stay in raw_feedback and redacted_feedback.

with

events as (

    select * from {{ ref('stg_feedback__events') }}

),

responses as (

    select * from {{ ref('stg_feedback__responses') }}

),

joined as (

    select
        events.event_id,
        events.response_id,
        responses.conversation_id,
        responses.tenant_id,
        events.tenant_id as feedback_tenant_id,
        events.user_id as feedback_user_id,
        responses.user_id as response_user_id,
        events.created_at as feedback_created_at,
        responses.created_at as response_created_at,
        events.signal,
        events.thumb,
        events.rating,
        events.comment_text,
        events.edit_text,
        events.dwell_seconds,
        events.reformulated_query,
        events.outcome_name,
        events.outcome_succeeded,
        events.outcome_value,
        events.client,
        events.is_late,
        responses.messages,
        responses.retrieved_context,
        responses.output,
        responses.model,
        responses.model_version,
        responses.prompt_version,
        responses.feature,
        responses.language,
        events.landing_date as feedback_landing_date,
        responses.landing_date as response_landing_date,
        events.source_file as feedback_source_file,
        events.source_line as feedback_source_line,
        responses.source_file as response_source_file,
        responses.source_line as response_source_line

    from events
    inner join responses
        on events.response_id = responses.response_id
    where not coalesce(events.created_at < responses.created_at, false)

),

final as (

    select * from joined

)

select * from final
