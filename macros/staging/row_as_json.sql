{#
    The whole row of a table alias as JSON text (used to keep quarantined rows inspectable), written
    as DuckDB's to_json writes it on every engine. `relation` is the relation the alias reads, for
    the engines that need its column types.
#}
{% macro row_as_json(alias, relation=none) -%}
    {{ return(adapter.dispatch('row_as_json', 'empathy')(alias, relation)) }}
{%- endmacro %}

{% macro duckdb__row_as_json(alias, relation) -%}
    cast(to_json({{ alias }}) as {{ sql_type('varchar') }})
{%- endmacro %}

{#- row_to_json writes timestamps with a 'T' and whole doubles without '.0': each such column is
    written as DuckDB writes it first (a timestamp as its text, a double through number_text). -#}
{% macro postgres__row_as_json(alias, relation) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) if relation is not none and execute else [] -%}
    {%- if not columns -%}
        row_to_json({{ alias }})::text
    {%- else -%}
        (select row_to_json(json_row)::text from (select
            {%- for column in columns %}
            {%- set value = alias ~ '.' ~ adapter.quote(column.name) %}
            {%- set data_type = column.data_type | lower %}
            {%- if data_type.startswith('timestamp') %}
            cast({{ value }} as text)
            {%- elif data_type in ('double precision', 'real') %}
            cast({{ number_text(value) }} as json)
            {%- else %}
            {{ value }}
            {%- endif %} as {{ adapter.quote(column.name) }}{{ "," if not loop.last }}
            {%- endfor %}
        ) as json_row)
    {%- endif -%}
{%- endmacro %}

{#- Spark leaves null fields out of to_json unless told otherwise; DuckDB writes them as null. -#}
{% macro spark__row_as_json(alias, relation) -%}
    to_json(struct({{ alias }}.*), map('ignoreNullFields', 'false'))
{%- endmacro %}
