{#
    The incremental build of feedback_with_responses (docs/architecture.md, "The join layer, incrementally").

    A row of the mart can change only when one of its inputs landed on one of the days of
    recompute_landing_days (macros/incremental_recompute.sql), so the build recomputes the events that:
      - were first delivered on one of the days (new events, late events);
      - rate a response first delivered on one of the days (a response that lands after its feedback);
      - already sit in the mart with a feedback or response landing day among them (rows a re-run of an
        old day drops or moves to a later delivery);
      - rate a response whose user's consent, or were written by a user whose consent, changed on one of
        the days (an opt-out reaches history).
    Their ids go into a temporary table first, so the delete and the insert read the same set.
#}

{% macro collect_recomputed_events() -%}
    {#- Each branch reads the day's rows or the mart, never a deduplicating view over all history: the
        redacted tables are read directly (a line re-delivered on one of the days recomputes an event
        that does not change, which is harmless), and an opt-out's events are looked up in the mart,
        which holds every event whose response has landed (the others wait for their response's day).
        The author's consent is matched on the user alone: the mart does not keep the event's own tenant,
        and recomputing more events than needed changes none of them. -#}
    {%- if not recomputes_every_row() -%}
    create or replace temp table recomputed_feedback_events as
    with changed_consent as ({{ changed_consent_sql() }})
    select event_id from {{ source('feedback', 'redacted_feedback') }}
    where landing_date in ({{ recompute_days_sql() }})
    union
    select event_id from {{ source('feedback', 'redacted_feedback') }}
    where response_id in (
        select response_id from {{ source('feedback', 'redacted_responses') }}
        where landing_date in ({{ recompute_days_sql() }})
    )
    union
    select event_id from {{ this }}
    where feedback_landing_date in ({{ recompute_days_sql() }})
        or response_landing_date in ({{ recompute_days_sql() }})
    union
    select mart.event_id from {{ this }} as mart
    join changed_consent
        on changed_consent.user_id = mart.response_user_id and changed_consent.tenant_id = mart.tenant_id
    union
    select mart.event_id from {{ this }} as mart
    join changed_consent on changed_consent.user_id = mart.user_id
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}
