-- One row per event_id (first delivery wins, as for responses), with the text `value` cast into one typed
-- column per signal (an outcome's JSON object into its name and its boolean or numeric value). try_cast keeps
-- one malformed value from failing the model; the not_null tests on the typed columns (see the YAML) report
-- such a value instead.
-- A table built incrementally, unlike the other staging models: a nightly restages only the events its
-- landing days touch (macros/restaged_feedback_events.sql), and the twenty tests on its columns read a table
-- rather than each deduplicating every delivery of the history again.

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ collect_restaged_events() }}",
            "{{ delete_recomputed('event_id', 'restaged_feedback_events') }}",
        ],
    )
}}

with

source as (

    select * from {{ source('feedback', 'redacted_feedback') }}
    {% if not recomputes_every_row() -%}
    -- before the deduplication: every delivery of a restaged event is read, and no other
    where event_id in (select event_id from restaged_feedback_events)
    {%- endif %}

),

deduplicated as (

    select *
    from source
    qualify row_number() over (
        partition by event_id
        order by landing_date, source_file, source_line
    ) = 1

),

typed as (

    select
        event_id,
        response_id,
        tenant_id,
        user_id,
        created_at,
        signal,
        case when signal = 'thumb' then value end as thumb,
        case when signal = 'rating' then try_cast(value as integer) end as rating,
        case when signal = 'comment' then value end as comment_text,
        case when signal = 'edit' then value end as edit_text,
        case when signal = 'dwell' then try_cast(value as double) end as dwell_seconds,
        case when signal = 'reformulate' then value end as reformulated_query,
        case when signal = 'outcome' then json_extract_string(value, '$.name') end as outcome_name,
        case when signal = 'outcome' and json_type(value, '$.value') = 'BOOLEAN'
            then json_extract_string(value, '$.value') = 'true' end as outcome_succeeded,
        case when signal = 'outcome' and json_type(value, '$.value') in ('BIGINT', 'UBIGINT', 'DOUBLE')
            then try_cast(json_extract_string(value, '$.value') as double) end as outcome_value,
        client,
        landing_date > cast(created_at as date) as is_late,
        landing_date,
        source_file,
        source_line

    from deduplicated

),

final as (

    select * from typed

)

select * from final
