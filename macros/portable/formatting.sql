{#
    rounded_text(value, decimals): a double rounded to `decimals` places (half away from zero), as
    DuckDB writes it: the shortest text that reads back as the same double, with '.0' on whole
    numbers ('2.0', '0.1235', '-0.0' for a small negative value rounded to zero).
#}
{% macro rounded_text(value, decimals) -%}
    {{ return(adapter.dispatch('rounded_text', 'empathy')(value, decimals)) }}
{%- endmacro %}

{% macro default__rounded_text(value, decimals) -%}
    cast(round({{ value }}, {{ decimals }}) as {{ sql_type('varchar') }})
{%- endmacro %}

{#- PostgreSQL rounds a double through numeric (15 digits, no negative zero) and writes whole
    numbers without '.0': round as DuckDB does (x * 10^d to the nearest integer, half away from
    zero, over 10^d, all in doubles), then write the double's shortest text. -#}
{% macro postgres__rounded_text(value, decimals) -%}
    {%- set scaled = "(cast(" ~ value ~ " as double precision) * cast(1e" ~ decimals ~ " as double precision))" -%}
    {%- set rounded -%}
        (case
            when abs({{ scaled }} - trunc({{ scaled }})) >= 0.5 then trunc({{ scaled }}) + sign({{ scaled }})
            else trunc({{ scaled }})
        end / cast(1e{{ decimals }} as double precision))
    {%- endset -%}
    (case
        when cast({{ rounded }} as text) ~ '^-?[0-9]+$' then cast({{ rounded }} as text) || '.0'
        else cast({{ rounded }} as text)
    end)
{%- endmacro %}
