{# Portable spellings of text functions the models use. #}

{# Does the whole of `text` match the regular expression `pattern` (a SQL string literal's content)? #}
{% macro regex_full_match(text, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'empathy')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(text, pattern) -%}
    regexp_full_match({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regex_full_match(text, pattern) -%}
    ({{ text }} ~ '^(?:{{ postgres_regex(pattern) }})$')
{%- endmacro %}

{#-
    Spark: a raw string literal (r'...'), so a backslash reaches the Java regex as written, whatever
    spark.sql.parser.escapedStringLiterals says (an ordinary literal would turn \. into .). The end is
    \z: Java's $ also matches before a final line break ('4' || chr(10) would match '[0-9]+').
-#}
{% macro spark__regex_full_match(text, pattern) -%}
    ({{ text }} rlike r'^(?:{{ pattern }})\z')
{%- endmacro %}


{# Every match of `pattern` in `text` replaced by `replacement`. #}
{% macro regex_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'empathy')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro postgres__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ postgres_regex(pattern) }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#- Spark's regexp_replace replaces every match; a fourth argument would be a position ('g' gives null). -#}
{% macro spark__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, r'{{ pattern }}', r'{{ replacement }}')
{%- endmacro %}

{#- PostgreSQL's regular expressions write a word boundary \y (\b is a backspace there). -#}
{% macro postgres_regex(pattern) -%}
    {{- pattern | replace('\\b', '\\y') -}}
{%- endmacro %}


{# A hash of the given expressions, equal for equal values: for routing rows, never stored. #}
{% macro value_hash(expressions) -%}
    {{ return(adapter.dispatch('value_hash', 'empathy')(expressions)) }}
{%- endmacro %}

{% macro default__value_hash(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{#- Spark's hash is 32 bits; xxhash64 routes fewer rows through the exact ranking at scale. -#}
{% macro spark__value_hash(expressions) -%}
    xxhash64({{ expressions | join(', ') }})
{%- endmacro %}

{% macro postgres__value_hash(expressions) -%}
    hashtextextended(concat_ws(chr(31){% for expression in expressions %}, cast({{ expression }} as text){% endfor %}), 0)
{%- endmacro %}


{#
    The value of a JSON-lines column as text: a string's own text, the JSON text of a number or
    boolean, null for JSON null. DuckDB reads the column as JSON; the PostgreSQL loader stores the
    same JSON text.
#}
{% macro json_text_value(column) -%}
    {{ return(adapter.dispatch('json_text_value', 'empathy')(column)) }}
{%- endmacro %}

{% macro default__json_text_value(column) -%}
    ({{ column }} ->> '$')
{%- endmacro %}

{% macro postgres__json_text_value(column) -%}
    (cast({{ column }} as jsonb) #>> '{}')
{%- endmacro %}

{#-
    Spark: the raw tables (empathy load --engine spark) read every JSON-lines column as a string,
    which already holds that text (a number as written in the file).
-#}
{% macro spark__json_text_value(column) -%}
    {{ column }}
{%- endmacro %}
