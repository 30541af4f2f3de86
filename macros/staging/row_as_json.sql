{# The whole row of a table alias as JSON text (used to keep quarantined rows inspectable). #}
{% macro row_as_json(alias) -%}
    {{ return(adapter.dispatch('row_as_json', 'empathy')(alias)) }}
{%- endmacro %}

{% macro duckdb__row_as_json(alias) -%}
    cast(to_json({{ alias }}) as {{ sql_type('varchar') }})
{%- endmacro %}

{% macro postgres__row_as_json(alias) -%}
    row_to_json({{ alias }})::text
{%- endmacro %}

{#- Spark leaves null fields out of to_json unless told otherwise; DuckDB writes them as null. -#}
{% macro spark__row_as_json(alias) -%}
    to_json(struct({{ alias }}.*), map('ignoreNullFields', 'false'))
{%- endmacro %}
