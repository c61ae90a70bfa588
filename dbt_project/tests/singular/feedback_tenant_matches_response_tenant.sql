-- A feedback event should come from the tenant that served its response. A mismatch points at a client or
-- routing bug; it warns rather than fails because the marts key on the response's tenant either way.
{{ config(severity='warn') }}

with

events_with_responses as (

    select * from {{ ref('int_feedback_events_joined_to_responses') }}

),

mismatches as (

    select event_id, response_id, feedback_tenant_id, tenant_id as response_tenant_id
    from events_with_responses
    where feedback_tenant_id != tenant_id

)

select * from mismatches
