{#
    The columns that name a cohort per day: the response day and the serving configuration users meet
    (tenant, model, model version, prompt version, feature, language). The quality marts group, order and
    test by them; `feedback_platform.lib.analysis.cohorts.COHORT` names the same configuration.
#}
{% macro cohort_columns() -%}
    response_date, tenant_id, model, model_version, prompt_version, feature, language
{%- endmacro %}
