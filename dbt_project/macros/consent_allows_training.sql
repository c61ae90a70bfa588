{#
    Whether a row's data may be used for training, given the int_users_consent_latest row joined to it
    (alias `consent`, left-joined on the response's user and tenant). A user with no consent event is
    allowed; a user who ever asked for erasure never is, even after a later opt-in.
#}
{% macro consent_allows_training(consent='consent') -%}
    coalesce({{ consent }}.training_allowed and not {{ consent }}.erased, true)
{%- endmacro %}

{#
    Whether the consent action in force when a row's data was made allows training: the int_consent_changes
    row ASOF-joined to it (alias `in_force`: the user's latest change at or before the data's time). No
    change before that time allows it; an opt-out or erase in force then never does, whatever came later.
#}
{% macro consent_in_force_allows_training(in_force) -%}
    coalesce({{ in_force }}.action = 'opt_in_training', true)
{%- endmacro %}

{#
    Joins to each row (ASOF) the int_consent_changes row in force at `time_column` for the user and tenant
    in `user_column` and `tenant_column`, as `alias`: read it with consent_in_force_allows_training(alias).
#}
{% macro join_consent_in_force(alias, user_column, tenant_column, time_column) -%}
    asof left join {{ ref('int_consent_changes') }} as {{ alias }}
        on {{ user_column }} = {{ alias }}.user_id
        and {{ tenant_column }} = {{ alias }}.tenant_id
        and {{ time_column }} >= {{ alias }}.created_at
{%- endmacro %}
