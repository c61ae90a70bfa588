{#
    The incremental build of response_signals (docs/architecture.md, "The join layer, incrementally"), on the
    landing days of recompute_landing_days (macros/incremental_recompute.sql). A response's row can
    change only when its inputs changed, so the build recomputes the responses that:
      - were delivered on one of the days (a new response, one delivered again);
      - are rated by an event delivered on one of the days (new and late feedback);
      - already sit in the table with their own landing day among the days, or with one of the days between
        the first and the last landing day of their feedback (rows a re-run of an old day drops, or whose
        events it drops or moves);
      - belong to a user whose consent changed on one of the days (an opt-out reaches history);
      - count more feedback events than the feedback_with_responses mart now holds for them: an erasure
        deletes a user's events from every table, and the responses of other users that those events
        rated must lose them from their counts too.
    Their ids go into a temporary table first, so the delete and the insert read the same set.
#}

{% macro collect_recomputed_responses() -%}
    {%- if not recomputes_every_row() -%}
    create or replace temp table recomputed_responses as
    with changed_consent as ({{ changed_consent_sql() }}),
    events_per_response as (
        select response_id, count(*) as feedback_events
        from {{ ref('feedback_with_responses') }}
        group by response_id
    )
    select response_id from {{ source('feedback', 'redacted_responses') }}
    where landing_date in ({{ recompute_days_sql() }})
    union
    select response_id from {{ source('feedback', 'redacted_feedback') }}
    where landing_date in ({{ recompute_days_sql() }})
    union
    select signals.response_id from {{ this }} as signals
    join ({{ recompute_days_sql() }}) as days
        on days.landing_date = signals.response_landing_date
        or days.landing_date between signals.first_feedback_landing_date and signals.last_feedback_landing_date
    union
    select signals.response_id from {{ this }} as signals
    join changed_consent
        on changed_consent.user_id = signals.user_id and changed_consent.tenant_id = signals.tenant_id
    union
    select signals.response_id from {{ this }} as signals
    left join events_per_response on events_per_response.response_id = signals.response_id
    where signals.feedback_events > coalesce(events_per_response.feedback_events, 0)
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}
