{#
    Schemas are named after the folder config (staging, intermediate, reference) with no target
    prefix, and marts land in the default schema, so BI tools query `kpi_scorecard` unqualified and a
    model is found under the same name in the repo, the warehouse and Dagster.

    DuckDB builds each release in a file of its own, so its schema names never change. A server
    engine (PostgreSQL, Spark) builds each release in schemas of its own instead: the target schema
    (`release_<id>` during `empathy refresh`, EMPATHY_PG_SCHEMA / EMPATHY_SPARK_SCHEMA) holds the
    marts and `<target schema>_<folder schema>` the rest; publishing renames them to the serving
    names (README "Engines").
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.type == 'duckdb' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
