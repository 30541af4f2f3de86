{#
    A timestamp in UTC without a zone, from text with any ISO-8601 offset (or none, read as UTC) or
    from a zoned/naive timestamp column. Unreadable text becomes null (staging quarantines it).
#}
{% macro to_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'empathy')(expression)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(expression) -%}
    cast(cast({{ expression }} as {{ dbt.type_timestamp() }} with time zone) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The session time zone is UTC (profiles.yml), so dropping the zone keeps the UTC wall time. -#}
{% macro duckdb__to_utc_timestamp(expression) -%}
    cast(try_cast({{ expression }} as {{ sql_type('timestamptz') }}) as timestamp)
{%- endmacro %}

{#- PostgreSQL: text through the try-cast function; a timestamp column (with or without a zone) as it is. -#}
{% macro postgres__to_utc_timestamp(expression) -%}
    ({{ try_cast(expression, 'timestamptz') }} at time zone 'UTC')
{%- endmacro %}
