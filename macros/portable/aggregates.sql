{#
    value_at_max(value, order_by): the value of the row that is greatest by the expressions in
    order_by (compared in order, like a tuple), a null value included. Ties between whole rows
    should not happen: make the last expression unique.
#}
{% macro value_at_max(value, order_by) -%}
    {{ return(adapter.dispatch('value_at_max', 'empathy')(value, order_by)) }}
{%- endmacro %}

{% macro default__value_at_max(value, order_by) -%}
    arg_max_null({{ value }}, {
        {%- for expression in order_by %}'k{{ loop.index }}': {{ expression }}{{ ", " if not loop.last }}{% endfor -%}
    })
{%- endmacro %}

{#- DESC puts nulls first in PostgreSQL, as a null field is the greatest in DuckDB's struct order. -#}
{% macro postgres__value_at_max(value, order_by) -%}
    (array_agg({{ value }} order by {% for expression in order_by %}{{ expression }} desc{{ ", " if not loop.last }}{% endfor %}))[1]
{%- endmacro %}

{% macro spark__value_at_max(value, order_by) -%}
    max_by({{ value }}, struct({{ order_by | join(', ') }}))
{%- endmacro %}
