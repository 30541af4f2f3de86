{#
    Keyed pseudonym of a personal value (email, phone or name): HMAC-SHA256 of the normalised value
    under the key in EMPATHY_PII_KEY. On DuckDB the function comes from the empathy.pii plugin, so
    the key never appears in SQL or logs.
#}
{% macro pseudonymise(column, kind) -%}
    {{ return(adapter.dispatch('pseudonymise', 'empathy')(column, kind)) }}
{%- endmacro %}

{% macro duckdb__pseudonymise(column, kind) -%}
    empathy_pii_hash(cast({{ column }} as {{ sql_type('varchar') }}), '{{ kind }}')
{%- endmacro %}

{#-
    PostgreSQL: pgcrypto's hmac (installed into the functions schema by the on-run-start hook), with
    the key from the session setting empathy.pii_key, which `empathy refresh --engine postgres` passes
    in PGOPTIONS so it never appears in SQL or logs. The value is normalised as empathy.pii does it.
-#}
{% macro postgres__pseudonymise(column, kind) -%}
    {%- set trimmed = "lower(btrim(cast(" ~ column ~ " as text), E' \\t\\n\\r\\x0b\\x0c'))" -%}
    {%- set canonical = "regexp_replace(" ~ trimmed ~ ", '\\D', '', 'g')" if kind == 'phone' else trimmed -%}
    case
        when {{ canonical }} <> ''
            then encode(
                {{ engine_functions_schema() }}.hmac(
                    convert_to('{{ kind }}:' || {{ canonical }}, 'UTF8'),
                    convert_to(current_setting('empathy.pii_key'), 'UTF8'),
                    'sha256'
                ),
                'hex'
            )
    end
{%- endmacro %}
