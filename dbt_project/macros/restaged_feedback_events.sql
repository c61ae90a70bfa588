{#
    The incremental build of stg_feedback__events (docs/architecture.md, "The join layer, incrementally"):
    an event's staged row (its first delivery) can change only when one of its deliveries landed on one of
    the days of recompute_landing_days (macros/incremental_recompute.sql), so the build restages the events
    that:
      - have a delivery on one of the days (new events, deliveries again of old ones, a re-run's lines);
      - are staged from a delivery on one of the days (a re-run of an old day may drop that line, and a later
        delivery then wins).
    An erasure deletes the events' rows from this table as from every other (lib/erasure/warehouse_rows.py).
    Their ids go into a temporary table first, so the delete and the insert read the same set.
#}

{% macro collect_restaged_events() -%}
    {%- if not recomputes_every_row() -%}
    create or replace temp table restaged_feedback_events as
    select event_id from {{ source('feedback', 'redacted_feedback') }}
    where landing_date in ({{ recompute_days_sql() }})
    union
    select event_id from {{ this }}
    where landing_date in ({{ recompute_days_sql() }})
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}
