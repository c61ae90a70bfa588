{#
    Fails on every non-null value of column_name outside [min_value, max_value] (bounds inclusive unless
    inclusive=false; either bound may be left out). Written here because dbt deps cannot reach the hub
    for dbt_utils.
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

with

checked as (

    select {{ column_name }} as value
    from {{ model }}
    where {{ column_name }} is not null

),

out_of_range as (

    select value
    from checked
    where false
    {%- if min_value is not none %}
        or value {{ '<' if inclusive else '<=' }} {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
        or value {{ '>' if inclusive else '>=' }} {{ max_value }}
    {%- endif %}

)

select * from out_of_range

{% endtest %}
