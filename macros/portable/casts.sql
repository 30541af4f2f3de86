{#
    Portable spellings of casts. `data_type` is a type as the YAML contracts write it (varchar,
    double, integer, bigint, boolean, date, timestamp, timestamptz); sql_type gives the engine's
    name for it, try_cast gives null instead of an error when the value cannot be read.
#}
{% macro sql_type(data_type) -%}
    {{ return(adapter.dispatch('sql_type', 'empathy')(data_type | lower)) }}
{%- endmacro %}

{% macro default__sql_type(data_type) -%}
    {{ return(data_type) }}
{%- endmacro %}

{% macro postgres__sql_type(data_type) -%}
    {{ return({'double': 'double precision', 'timestamp': 'timestamp without time zone', 'timestamptz': 'timestamp with time zone'}.get(data_type, data_type)) }}
{%- endmacro %}

{% macro spark__sql_type(data_type) -%}
    {{ return({'varchar': 'string', 'timestamptz': 'timestamp', 'integer': 'int'}.get(data_type, data_type)) }}
{%- endmacro %}


{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'empathy')(expression, data_type | lower)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ sql_type(data_type) }})
{%- endmacro %}

{#- PostgreSQL has no try_cast: one function per type reads text and returns null where a cast fails. -#}
{% macro postgres__try_cast(expression, data_type) -%}
    {{ engine_functions_schema() }}.try_cast_{{ data_type }}(cast({{ expression }} as text))
{%- endmacro %}

{% macro postgres_try_cast_functions() -%}
    {%- for data_type in ['double', 'integer', 'bigint', 'boolean', 'date', 'timestamp', 'timestamptz'] %}
    create or replace function {{ engine_functions_schema() }}.try_cast_{{ data_type }}(value text)
    returns {{ postgres__sql_type(data_type) }}
    language plpgsql immutable parallel safe as $body$
    begin
        return cast(value as {{ postgres__sql_type(data_type) }});
    exception when others then
        return null;
    end
    $body$;
    {%- endfor %}
{%- endmacro %}
