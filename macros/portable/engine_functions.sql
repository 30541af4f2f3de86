{#
    install_engine_functions(): the on-run-start hook. Creates the SQL functions that an engine lacks
    and the models need, before anything is built: on PostgreSQL, in the schema empathy_functions
    (not a release schema, so publishing a release never moves them). DuckDB needs none (its
    functions are built in or come from the empathy.pii plugin); Spark gets its own below.
    Each area adds its functions to the list in its dispatch macro.
#}
{% macro install_engine_functions() -%}
    {{ return(adapter.dispatch('install_engine_functions', 'empathy')()) }}
{%- endmacro %}

{% macro default__install_engine_functions() -%}
    select 1
{%- endmacro %}

{#- Spark: every function the models need is built in (hmac since 4.3); nothing to create. -#}
{% macro spark__install_engine_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__install_engine_functions() -%}
    create schema if not exists {{ engine_functions_schema() }};
    -- hmac() for pseudonymise (contrib, trusted: a database owner may create it)
    create extension if not exists pgcrypto schema {{ engine_functions_schema() }};
    {{ postgres_try_cast_functions() }}
{%- endmacro %}

{# Where PostgreSQL keeps the project's functions. #}
{% macro engine_functions_schema() -%}empathy_functions{%- endmacro %}
