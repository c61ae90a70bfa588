{#
    What the incremental marts (feedback_with_responses, response_signals) share: the landing days to
    recompute, the users whose consent changed on them, and the delete of the rows a pre-hook collected.

    The Dagster asset writes the table `recompute_landing_days` before it runs dbt: the landing days whose
    redacted feedback, redacted responses or consent were written since the marts were last built (a new
    day, a re-run, a backfill). A table rather than a dbt var, because a var that changes every night
    makes dbt parse the whole project again. When the instance cannot name the days (the first build, a
    changed model) the asset runs dbt with --full-refresh and every row is rebuilt.
#}

{% macro recompute_days_sql() -%}
    {#- A table dbt does not build: feedback_platform/defs/join/recompute_days.py writes it. -#}
    select landing_date from {{ target.schema }}.recompute_landing_days
{%- endmacro %}

{% macro recomputes_every_row() -%}
    {{ return(not is_incremental()) }}
{%- endmacro %}

{% macro changed_consent_sql() -%}
    {#- The users, per tenant, whose consent events landed on the days: an opt-out reaches history. -#}
    select distinct user_id, tenant_id from {{ ref('stg_feedback__consent_events') }}
    where landing_date in ({{ recompute_days_sql() }})
{%- endmacro %}

{% macro delete_recomputed(key, recomputed_table) -%}
    {#- The mart's rows whose `key` the pre-hook collected into `recomputed_table`; the model inserts them
        again, so the delete and the insert read the same set. -#}
    {%- if not recomputes_every_row() -%}
    delete from {{ this }} where {{ key }} in (select {{ key }} from {{ recomputed_table }})
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}

{% macro built_at() -%}
    {#- When the dbt invocation that writes a row started (UTC), as a timestamp: the incremental marts stamp
        each row they write with it, so a row-local check judges only the rows built since it last passed
        (feedback_platform/defs/expectation_checks.py). A full refresh stamps every row. -#}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
