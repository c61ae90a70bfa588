-- The consent action in force from each instant a user's consent changed, per (user_id, tenant_id). Of
-- two actions at the same instant the most restrictive counts (erase, then opt-out, then opt-in), so a tie
-- never grants consent. feedback_with_responses looks up the action in force when a response was served
-- and when a feedback event was written: data made while a user was opted out never trains, even after
-- they opt back in.

with

consent_events as (

    select * from {{ ref('stg_feedback__consent_events') }}

),

final as (

    select
        user_id,
        tenant_id,
        created_at,
        action

    from consent_events
    qualify row_number() over (
        partition by user_id, tenant_id, created_at
        order by case action when 'erase' then 0 when 'opt_out_training' then 1 else 2 end
    ) = 1

)

select * from final
