-- The consent state in force for each (user_id, tenant_id): the latest action wins. Two actions at the
-- same instant are ordered most restrictive last (erase, then opt-out, then opt-in) so a tie never
-- grants consent. An erase is remembered even when a later opt-in follows it.

with

consent_events as (

    select * from {{ ref('stg_feedback__consent_events') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id, tenant_id
            order by
                created_at desc,
                case action when 'erase' then 0 when 'opt_out_training' then 1 else 2 end,
                consent_event_id
        ) as recency_rank,
        bool_or(action = 'erase') over (partition by user_id, tenant_id) as erased

    from consent_events

),

final as (

    select
        user_id,
        tenant_id,
        action as latest_action,
        created_at as latest_action_at,
        action not in ('opt_out_training', 'erase') as training_allowed,
        erased

    from ranked
    where recency_rank = 1

)

select * from final
