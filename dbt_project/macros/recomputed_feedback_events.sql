{#
    The incremental build of feedback_with_responses (docs/architecture.md, "The join layer, incrementally").

    The Dagster asset writes the table `recompute_landing_days` before it runs dbt: the landing days whose
    redacted feedback, redacted responses or consent were written since the mart was last built (a new
    day, a re-run, a backfill). A table rather than a dbt var, because a var that changes every night
    makes dbt parse the whole project again. A row of the
    mart can change only when one of its inputs landed on such a day, so the build recomputes the events
    that:
      - were first delivered on one of the days (new events, late events);
      - rate a response first delivered on one of the days (a response that lands after its feedback);
      - already sit in the mart with a feedback or response landing day among them (rows a re-run of an
        old day drops or moves to a later delivery);
      - rate a response whose user's consent, or were written by a user whose consent, changed on one of
        the days (an opt-out reaches history).
    Their ids go into a temporary table first, so the delete and the insert read the same set. When the
    instance cannot name the days (the first build, a changed model) the asset runs dbt with --full-refresh
    and every event is rebuilt.
#}

{% macro recompute_days_sql() -%}
    {#- A table dbt does not build: feedback_platform/defs/join/recompute_days.py writes it. -#}
    select landing_date from {{ target.schema }}.recompute_landing_days
{%- endmacro %}

{% macro recomputes_every_event() -%}
    {{ return(not is_incremental()) }}
{%- endmacro %}

{% macro collect_recomputed_events() -%}
    {%- if not recomputes_every_event() -%}
    create or replace temp table recomputed_feedback_events as
    select event_id from {{ ref('stg_feedback__events') }}
    where landing_date in ({{ recompute_days_sql() }})
    union
    select event_id from {{ ref('stg_feedback__events') }}
    where response_id in (
        select response_id from {{ ref('stg_feedback__responses') }}
        where landing_date in ({{ recompute_days_sql() }})
    )
    union
    select event_id from {{ this }}
    where feedback_landing_date in ({{ recompute_days_sql() }})
        or response_landing_date in ({{ recompute_days_sql() }})
    union
    select events.event_id
    from {{ ref('int_feedback_events_joined_to_responses') }} as events
    join {{ ref('stg_feedback__consent_events') }} as consent
        on (consent.user_id = events.response_user_id and consent.tenant_id = events.tenant_id)
        or (consent.user_id = events.feedback_user_id and consent.tenant_id = events.feedback_tenant_id)
    where consent.landing_date in ({{ recompute_days_sql() }})
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}

{% macro delete_recomputed_events() -%}
    {%- if not recomputes_every_event() -%}
    delete from {{ this }} where event_id in (select event_id from recomputed_feedback_events)
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}
