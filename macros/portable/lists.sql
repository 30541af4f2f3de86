{#
    Portable spellings of lists (DuckDB lists, PostgreSQL arrays, Spark arrays). Positions are
    1-based everywhere; an index outside the list gives null.
#}

{#
    list_agg(expression, where, order_by): the values of a group as a list, only the rows for which
    `where` holds (every row when none), in the order of `order_by` (unordered when none). Null
    when no row qualifies (DuckDB, PostgreSQL; Spark gives an empty list, which every reader below
    treats alike). Two lists of the same group line up element by element only with an order_by
    that is unique in the group.
#}
{% macro list_agg(expression, where=none, order_by=none) -%}
    {{ return(adapter.dispatch('list_agg', 'empathy')(expression, where, order_by)) }}
{%- endmacro %}

{% macro default__list_agg(expression, where, order_by) -%}
    list({{ expression }}{% if order_by %} order by {{ order_by }}{% endif %})
    {%- if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{% macro postgres__list_agg(expression, where, order_by) -%}
    array_agg({{ expression }}{% if order_by %} order by {{ order_by }}{% endif %})
    {%- if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{#- collect_list drops nulls and has no order: sort (key, value) pairs, then keep the values. -#}
{% macro spark__list_agg(expression, where, order_by) -%}
    {%- set kept = "case when " ~ where ~ " then " if where else "" -%}
    {%- if order_by -%}
        transform(array_sort(collect_list({{ kept }}struct({{ order_by }} as k, {{ expression }} as v){{ " end" if where }})), pair -> pair.v)
    {%- else -%}
        collect_list({{ kept }}{{ expression }}{{ " end" if where }})
    {%- endif -%}
{%- endmacro %}


{# Does `list` hold `value`? Null for a null list. #}
{% macro list_contains(list, value) -%}
    {{ return(adapter.dispatch('list_contains', 'empathy')(list, value)) }}
{%- endmacro %}

{% macro default__list_contains(list, value) -%}
    list_contains({{ list }}, {{ value }})
{%- endmacro %}

{% macro postgres__list_contains(list, value) -%}
    ({{ value }} = any({{ list }}))
{%- endmacro %}

{% macro spark__list_contains(list, value) -%}
    array_contains({{ list }}, {{ value }})
{%- endmacro %}


{# The element at a 1-based position of a list (null outside it). #}
{% macro list_element(list, position) -%}
    {{ return(adapter.dispatch('list_element', 'empathy')(list, position)) }}
{%- endmacro %}

{% macro default__list_element(list, position) -%}
    {{ list }}[{{ position }}]
{%- endmacro %}

{% macro postgres__list_element(list, position) -%}
    ({{ list }})[{{ position }}]
{%- endmacro %}

{% macro spark__list_element(list, position) -%}
    try_element_at({{ list }}, {{ position }})
{%- endmacro %}


{#
    dense_list(positions, values, length, missing): the list of `length` elements whose element i
    is the value at position i of the parallel lists `positions` and `values` (positions unique),
    `missing` where i is not among the positions.
#}
{% macro dense_list(positions, values, length, missing) -%}
    {{ return(adapter.dispatch('dense_list', 'empathy')(positions, values, length, missing)) }}
{%- endmacro %}

{% macro default__dense_list(positions, values, length, missing) -%}
    list_transform(
        range(1, {{ length }} + 1),
        list_position__ -> coalesce({{ values }}[list_position({{ positions }}, list_position__)], {{ missing }})
    )
{%- endmacro %}

{% macro postgres__dense_list(positions, values, length, missing) -%}
    array(
        select coalesce(given.list_value, {{ missing }})
        from generate_series(1, {{ length }}) as wanted (list_position)
        left join unnest({{ positions }}, {{ values }}) as given (list_position, list_value)
            on wanted.list_position = given.list_position
        order by wanted.list_position
    )
{%- endmacro %}

{% macro spark__dense_list(positions, values, length, missing) -%}
    transform(
        sequence(1, {{ length }}),
        list_position__ -> coalesce(try_element_at(map_from_arrays({{ positions }}, {{ values }}), list_position__), {{ missing }})
    )
{%- endmacro %}


{#
    series_rows(first, last): in a select list, one row for each integer from first to last (both
    included) of the row it is computed on, as the column it is named; no row when last < first.
#}
{% macro series_rows(first, last) -%}
    {{ return(adapter.dispatch('series_rows', 'empathy')(first, last)) }}
{%- endmacro %}

{% macro default__series_rows(first, last) -%}
    unnest(generate_series({{ first }}, {{ last }}))
{%- endmacro %}

{% macro postgres__series_rows(first, last) -%}
    generate_series({{ first }}, {{ last }})
{%- endmacro %}

{% macro spark__series_rows(first, last) -%}
    explode(case when {{ first }} <= {{ last }} then sequence({{ first }}, {{ last }}) end)
{%- endmacro %}
