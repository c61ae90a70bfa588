{#
    Whether a row's data may be used for training, given the int_users_consent_latest row joined to it
    (alias `consent`, left-joined on the response's user and tenant). A user with no consent event is
    allowed; a user who ever asked for erasure never is, even after a later opt-in.
#}
{% macro consent_allows_training(consent='consent') -%}
    coalesce({{ consent }}.training_allowed and not {{ consent }}.erased, true)
{%- endmacro %}
