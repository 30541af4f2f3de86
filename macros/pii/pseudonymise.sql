{#
    Keyed pseudonym of a personal value (email, phone or name): HMAC-SHA256 of the normalised value
    under the key in EMPATHY_PII_KEY. On DuckDB the function comes from the empathy.pii plugin, so
    the key never appears in SQL or logs.
#}
{% macro pseudonymise(column, kind) -%}
    {{ return(adapter.dispatch('pseudonymise', 'empathy')(column, kind)) }}
{%- endmacro %}

{% macro duckdb__pseudonymise(column, kind) -%}
    empathy_pii_hash(cast({{ column }} as varchar), '{{ kind }}')
{%- endmacro %}

{% macro postgres__pseudonymise(column, kind) -%}
    -- needs pgcrypto and the key in the session setting empathy.pii_key
    encode(
        hmac('{{ kind }}:' || lower(trim({{ column }})), current_setting('empathy.pii_key'), 'sha256'),
        'hex'
    )
{%- endmacro %}
