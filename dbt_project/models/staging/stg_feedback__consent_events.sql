-- One row per distinct consent event (user, tenant, time, action). A re-delivered line is the same event;
-- its first delivery is kept for lineage.

with

source as (

    select * from {{ source('feedback', 'raw_consent') }}

),

deduplicated as (

    select *
    from source
    qualify row_number() over (
        partition by user_id, tenant_id, created_at, action
        order by landing_date, source_file, source_line
    ) = 1

),

final as (

    select
        md5(concat_ws('|', user_id, tenant_id, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%f'), action))
            as consent_event_id,
        user_id,
        tenant_id,
        created_at,
        action,
        landing_date,
        source_file,
        source_line

    from deduplicated

)

select * from final
