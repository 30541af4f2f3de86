{#
    Numbers as text, written as DuckDB writes a double on every engine: the shortest text that
    reads back as the same double, with '.0' on whole numbers ('650.0', '0.1235', '1e-05').
#}

{# number_text(value): a double as text. #}
{% macro number_text(value) -%}
    {{ return(adapter.dispatch('number_text', 'empathy')(value)) }}
{%- endmacro %}

{% macro default__number_text(value) -%}
    cast({{ value }} as {{ sql_type('varchar') }})
{%- endmacro %}

{#- PostgreSQL writes whole doubles without '.0' ('-0' for negative zero), and from 1e15 on with an
    exponent where DuckDB does from 1e16: whole numbers in between go through bigint (exact). -#}
{% macro postgres__number_text(value) -%}
    (case
        when {{ value }} = trunc({{ value }}) and abs({{ value }}) < 1e15 then cast({{ value }} as text) || '.0'
        when {{ value }} = trunc({{ value }}) and abs({{ value }}) < 1e16
            then cast(cast({{ value }} as bigint) as text) || '.0'
        else cast({{ value }} as text)
    end)
{%- endmacro %}


{#
    rounded_text(value, decimals): a double rounded to `decimals` places as DuckDB's round does
    (half away from zero), as number_text writes it.
#}
{% macro rounded_text(value, decimals) -%}
    {{ return(adapter.dispatch('rounded_text', 'empathy')(value, decimals)) }}
{%- endmacro %}

{% macro default__rounded_text(value, decimals) -%}
    cast(round({{ value }}, {{ decimals }}) as {{ sql_type('varchar') }})
{%- endmacro %}

{#- PostgreSQL rounds a double only through numeric (15 digits, no negative zero): round as DuckDB
    does instead, x * 10^d to the nearest integer, half away from zero, over 10^d, in doubles. -#}
{% macro postgres__rounded_text(value, decimals) -%}
    {%- set scaled = "(cast(" ~ value ~ " as double precision) * cast(1e" ~ decimals ~ " as double precision))" -%}
    {%- set rounded -%}
        (case
            when abs({{ scaled }} - trunc({{ scaled }})) >= 0.5 then trunc({{ scaled }}) + sign({{ scaled }})
            else trunc({{ scaled }})
        end / cast(1e{{ decimals }} as double precision))
    {%- endset -%}
    {{ postgres__number_text(rounded) }}
{%- endmacro %}
