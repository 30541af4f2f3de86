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

{#-
    Spark (4.3 has hmac): the key comes from the session setting spark.empathy.pii_key, which the
    spark profile targets set from EMPATHY_PII_KEY, URL-encoded so that any key survives Spark's
    ${...} substitution into a string literal; the compiled SQL holds only the placeholder. An unset
    setting substitutes as the empty string: hashing then fails, as the DuckDB plugin does.
-#}
{% macro spark__pseudonymise(column, kind) -%}
    {%- set key = "url_decode('${spark.empathy.pii_key}')" -%}
    {%- set trimmed = "lower(trim(BOTH ' \\t\\n\\r\\u000b\\u000c' FROM cast(" ~ column ~ " as string)))" -%}
    {%- set canonical = "regexp_replace(" ~ trimmed ~ ", r'\\D', '')" if kind == 'phone' else trimmed -%}
    case
        when {{ canonical }} <> '' and length({{ key }}) = 0
            then raise_error('EMPATHY_PII_KEY is not set: staging pseudonymises personal data with a keyed hash')
        when {{ canonical }} <> ''
            then lower(hex(hmac(encode({{ key }}, 'UTF-8'), encode('{{ kind }}:' || {{ canonical }}, 'UTF-8'), 'SHA-256')))
    end
{%- endmacro %}
