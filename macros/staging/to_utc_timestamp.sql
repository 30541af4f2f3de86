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

{#-
    Spark: with the session time zone UTC (profiles.yml), a timestamp is its UTC wall time. Spark's
    cast also reads text DuckDB does not ('2026', '2026-03', '2026-03-04T12', even 'T12:00' as
    today): only text that starts with a whole date, and a time with minutes if any, is cast.
-#}
{% macro spark__to_utc_timestamp(expression) -%}
    try_cast(
        case
            when cast({{ expression }} as string) rlike r'^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}([^0-9].*)?)?\z'
                then {{ expression }}
        end as timestamp
    )
{%- endmacro %}

{#- PostgreSQL: text through the try-cast function; a timestamp column (with or without a zone) as it is. -#}
{% macro postgres__to_utc_timestamp(expression) -%}
    ({{ try_cast(expression, 'timestamptz') }} at time zone 'UTC')
{%- endmacro %}
