{#
    integer_divide(dividend, divisor): the integer quotient, truncated toward zero (DuckDB `//`),
    whatever numeric types the operands have (PostgreSQL's date_part arithmetic gives doubles).
    Operands hold whole numbers.
#}
{% macro integer_divide(dividend, divisor) -%}
    {{ return(adapter.dispatch('integer_divide', 'empathy')(dividend, divisor)) }}
{%- endmacro %}

{% macro default__integer_divide(dividend, divisor) -%}
    ({{ dividend }} // {{ divisor }})
{%- endmacro %}

{% macro postgres__integer_divide(dividend, divisor) -%}
    (cast({{ dividend }} as bigint) / cast({{ divisor }} as bigint))
{%- endmacro %}

{% macro spark__integer_divide(dividend, divisor) -%}
    (cast({{ dividend }} as bigint) div cast({{ divisor }} as bigint))
{%- endmacro %}


{# integer_remainder(dividend, divisor): the remainder of integer_divide (sign of the dividend). #}
{% macro integer_remainder(dividend, divisor) -%}
    {{ return(adapter.dispatch('integer_remainder', 'empathy')(dividend, divisor)) }}
{%- endmacro %}

{% macro default__integer_remainder(dividend, divisor) -%}
    ({{ dividend }} % {{ divisor }})
{%- endmacro %}

{% macro postgres__integer_remainder(dividend, divisor) -%}
    (cast({{ dividend }} as bigint) % cast({{ divisor }} as bigint))
{%- endmacro %}

{% macro spark__integer_remainder(dividend, divisor) -%}
    (cast({{ dividend }} as bigint) % cast({{ divisor }} as bigint))
{%- endmacro %}
