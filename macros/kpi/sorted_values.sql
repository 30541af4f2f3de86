{# All values of a column in a group, sorted ascending (for order-statistic intervals). #}
{% macro sorted_values(column) -%}
    {{ return(adapter.dispatch('sorted_values', 'empathy')(column)) }}
{%- endmacro %}

{% macro duckdb__sorted_values(column) -%}
    list_sort(list({{ column }}))
{%- endmacro %}

{% macro postgres__sorted_values(column) -%}
    array_agg({{ column }} order by {{ column }})
{%- endmacro %}

{#- Spark's collect_list skips nulls (DuckDB's list and PostgreSQL's array_agg keep them). -#}
{% macro spark__sorted_values(column) -%}
    array_sort(collect_list({{ column }}))
{%- endmacro %}


{# The element at a 1-based position of a sorted list. #}
{% macro element_at(values, position) -%}
    {{ return(adapter.dispatch('element_at', 'empathy')(values, position)) }}
{%- endmacro %}

{% macro duckdb__element_at(values, position) -%}
    list_extract({{ values }}, {{ position }})
{%- endmacro %}

{% macro postgres__element_at(values, position) -%}
    ({{ values }})[{{ position }}]
{%- endmacro %}

{#- 1-based like DuckDB's; null past the end (as DuckDB and PostgreSQL), whatever the ANSI mode. -#}
{% macro spark__element_at(values, position) -%}
    try_element_at({{ values }}, {{ position }})
{%- endmacro %}


{#
    The q-quantile of a sorted list of n values with linear interpolation between closest ranks
    (the definition of quantile_cont / percentile_cont): position 1 + (n - 1) q.
#}
{% macro interpolated_quantile(values, n, q) -%}
    {%- set position = "(1 + (" ~ n ~ " - 1) * " ~ q ~ ")" -%}
    {%- set below = element_at(values, "cast(floor(" ~ position ~ ") as integer)") -%}
    {%- set above = element_at(values, "cast(ceil(" ~ position ~ ") as integer)") -%}
    ({{ below }} + ({{ position }} - floor({{ position }})) * ({{ above }} - {{ below }}))
{%- endmacro %}
