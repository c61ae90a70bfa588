-- One row per response_id. A log line can be delivered again on a later day (or twice in one day); the
-- first delivery wins: earliest landing_date, then source_file, then source_line.

with

source as (

    select * from {{ source('feedback', 'redacted_responses') }}

),

deduplicated as (

    select *
    from source
    qualify row_number() over (
        partition by response_id
        order by landing_date, source_file, source_line
    ) = 1

),

final as (

    select
        response_id,
        conversation_id,
        tenant_id,
        user_id,
        created_at,
        model,
        model_version,
        prompt_version,
        feature,
        language,
        messages,
        retrieved_context,
        output,
        latency_ms,
        landing_date,
        source_file,
        source_line

    from deduplicated

)

select * from final
