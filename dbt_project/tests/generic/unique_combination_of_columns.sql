{#
    Fails on every combination of combination_of_columns that occurs more than once: the grain test for
    models keyed by several columns (dbt_utils has the same test; the hub is out of reach).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns_csv = combination_of_columns | join(', ') %}

with

duplicated as (

    select {{ columns_csv }}, count(*) as occurrences
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1

)

select * from duplicated

{% endtest %}
