{#
    Schemas are named after the folder config (staging, intermediate, reference) with no target
    prefix, and marts land in the default schema, so BI tools query `kpi_scorecard` unqualified and a
    model is found under the same name in the repo, the warehouse and Dagster.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
