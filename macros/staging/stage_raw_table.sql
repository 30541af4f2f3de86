{#
    stage_raw_table(source_name, table_name)

    The body of every base model: reads one raw table and enforces its documented contract (the
    columns, types and checks written once in the sources YAML). Every raw row comes out exactly
    once, either valid (quarantine_reason is null) or with the first reason that applies, in this
    order:

        duplicate          an exact copy of an earlier raw row (all columns equal)
        missing_id         a primary-key column is empty
        unparseable_value  a value cannot be read as the column's documented type
        missing_value      a required column is empty
        unknown_enum       a value outside accepted_values (after trim + lower-case)
        out_of_range       a number outside [min, max]
        superseded         a valid row whose id appears again in a row loaded later

    Only valid rows compete for the latest version of an id: when the newest copy of a row is
    invalid, the newest valid one is published and the invalid one is quarantined.

    Checks come from column meta: `required`, `accepted_values`, `min`/`max`, and `range_by` for a
    range that depends on another column, e.g. survey scores:
    `range_by: {survey_type: {csat: [1, 5], nps: [0, 10]}}`.

    Columns keep their raw names, typed. Personal data never leaves this macro in clear: `pii:
    email|phone|name` columns become `<column>_hash` (keyed HMAC, see empathy/pii.py) and `pii:
    free_text` columns have emails and phone numbers scrubbed.
#}
{% macro stage_raw_table(source_name, table_name) %}
{#- a table: the raw files are read once per refresh, and the serving file never points at them -#}
{{- config(materialized='table') -}}
{%- set relation = source(source_name, table_name) -%}
{%- if not execute -%}
select 1 as parse_placeholder from {{ relation }}
{%- else -%}
{%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
{%- set file_format = node.meta.get('format') -%}
{%- set primary_key = node.meta.get('primary_key', []) -%}
{%- set columns = node.columns.values() | list -%}
{%- set non_personal_columns = columns | rejectattr('meta.pii', 'defined') | list -%}
{%- if not primary_key or not columns -%}
    {{ exceptions.raise_compiler_error(
        "Source " ~ source_name ~ "." ~ table_name ~ " needs meta.primary_key and documented columns") }}
{%- endif -%}

with

source as (

    select * from {{ relation }}

),

raw_rows as (

    -- Each column as read, before any cleaning: the basis for exact-duplicate detection.
    select
        filename as _source_file,
        {%- for column in columns %}
        {{ _raw_value(column.name, file_format) }} as {{ column.name }}__raw{{ "," if not loop.last }}
        {%- endfor %}
    from source

),

numbered as (

    select
        *,
        row_number() over (
            partition by {% for column in columns %}{{ column.name }}__raw{{ ", " if not loop.last }}{% endfor %}
            order by _source_file
        ) as _copy_number,
        -- A stable key for every raw row that carries no personal data: a digest of the
        -- non-personal columns, numbered within rows that share it.
        md5({{ _concat_text(non_personal_columns) }}) || '-' || cast(row_number() over (
            partition by {% for column in non_personal_columns %}{{ column.name }}__raw{{ ", " if not loop.last }}{% endfor %}
            order by {% for column in columns %}{{ column.name }}__raw{{ ", " if not loop.last }}{% endfor %}, _source_file
        ) as varchar) as _row_key
    from raw_rows

),

typed as (

    select
        *,
        {%- for column in columns %}
        {{ _typed_value(column, file_format) }} as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from numbered

),

checked as (

    select
        *,
        case
            when _copy_number > 1 then 'duplicate'
            {%- for key in primary_key %}
            when {{ _text_of(key) }} is null then 'missing_id'
            {%- endfor %}
            {%- for column in columns if _is_parsed(column) %}
            when {{ _text_of(column.name) }} is not null and {{ column.name }} is null then 'unparseable_value'
            {%- endfor %}
            {%- for column in columns if column.meta.get('required') %}
            when {{ column.name }} is null then 'missing_value'
            {%- endfor %}
            {%- for column in columns if column.meta.get('accepted_values') %}
            when {{ column.name }} not in ({{ _sql_list(column.meta['accepted_values']) }}) then 'unknown_enum'
            {%- endfor %}
            {%- for column in columns if _has_range(column) %}
            when {{ _out_of_range(column) }} then 'out_of_range'
            {%- endfor %}
            {%- for column in columns if column.meta.get('range_by') %}
            {%- for by_column, ranges in column.meta['range_by'].items() %}
            {%- for by_value, bounds in ranges.items() %}
            when {{ by_column }} = '{{ by_value }}' and ({{ column.name }} < {{ bounds[0] }} or {{ column.name }} > {{ bounds[1] }})
                then 'out_of_range'
            {%- endfor %}
            {%- endfor %}
            {%- endfor %}
        end as _reason,
        case
            when _copy_number > 1 then 'exact copy of an earlier row'
            {%- for key in primary_key %}
            when {{ _text_of(key) }} is null then '{{ key }} is empty'
            {%- endfor %}
            {%- for column in columns if _is_parsed(column) %}
            when {{ _text_of(column.name) }} is not null and {{ column.name }} is null
                then '{{ column.name }}: cannot read ' || left(cast({{ column.name }}__raw as varchar), 80) || ' as {{ column.data_type }}'
            {%- endfor %}
            {%- for column in columns if column.meta.get('required') %}
            when {{ column.name }} is null then '{{ column.name }} is empty'
            {%- endfor %}
            {%- for column in columns if column.meta.get('accepted_values') %}
            when {{ column.name }} not in ({{ _sql_list(column.meta['accepted_values']) }})
                then '{{ column.name }} = ' || left({{ column.name }}, 80) || ' is not an accepted value'
            {%- endfor %}
            {%- for column in columns if _has_range(column) %}
            when {{ _out_of_range(column) }}
                then '{{ column.name }} = ' || cast({{ column.name }} as varchar) || ' is outside {{ _range_text(column) }}'
            {%- endfor %}
            {%- for column in columns if column.meta.get('range_by') %}
            {%- for by_column, ranges in column.meta['range_by'].items() %}
            {%- for by_value, bounds in ranges.items() %}
            when {{ by_column }} = '{{ by_value }}' and ({{ column.name }} < {{ bounds[0] }} or {{ column.name }} > {{ bounds[1] }})
                then '{{ column.name }} = ' || cast({{ column.name }} as varchar)
                    || ' is outside [{{ bounds[0] }}, {{ bounds[1] }}] for {{ by_column }} {{ by_value }}'
            {%- endfor %}
            {%- endfor %}
            {%- endfor %}
        end as _reason_detail
    from typed

),

versioned as (

    -- Among valid rows, one per primary key: the one loaded last wins; earlier ones are superseded.
    select
        *,
        row_number() over (
            partition by _reason is null, {{ primary_key | join(", ") }}
            order by
                _loaded_at desc nulls last,
                _source_file desc,
                {% for column in columns %}{{ column.name }}__raw{{ ", " if not loop.last }}{% endfor %}
        ) as _version_rank
    from checked

),

final as (

    select
        '{{ source_name }}.{{ table_name }}' as source_table,
        _row_key as source_row_key,
        {%- for column in columns %}
        {{ _published_value(column) }},
        {%- endfor %}
        case
            when _reason is null and _version_rank > 1 then 'superseded'
            else _reason
        end as quarantine_reason,
        case
            when _reason is null and _version_rank > 1
                then 'a later-loaded row has the same {{ primary_key | join(", ") }}'
            else _reason_detail
        end as quarantine_detail,
        _source_file as source_file
    from versioned

)

select * from final
{%- endif -%}
{% endmacro %}


{# The value of a raw column as read: text for CSV and JSON lines, the stored type for Parquet. #}
{% macro _raw_value(name, file_format) -%}
    {%- if file_format == 'jsonl' -%}
        ({{ name }} ->> '$')
    {%- else -%}
        {{ name }}
    {%- endif -%}
{%- endmacro %}


{# Cleaned and typed: trimmed, blanks to null, enums lower-cased, timestamps to UTC, PII untouched here. #}
{% macro _typed_value(column, file_format) -%}
    {%- set raw = column.name ~ '__raw' -%}
    {%- set data_type = (column.data_type or 'varchar') | lower -%}
    {%- set text = "nullif(trim(cast(" ~ raw ~ " as varchar)), '')" -%}
    {%- if data_type == 'varchar' and column.meta.get('accepted_values') -%}
        lower({{ text }})
    {%- elif data_type == 'varchar' -%}
        {{ text }}
    {%- elif data_type == 'timestamp' -%}
        {{ to_utc_timestamp(text if file_format != 'parquet' else raw) }}
    {%- elif file_format == 'parquet' -%}
        try_cast({{ raw }} as {{ data_type }})
    {%- elif data_type in ('integer', 'bigint') -%}
        {#- a cast would round 4.5 to 5: only whole numbers are integers -#}
        case
            when regexp_full_match({{ text }}, '[+-]?[0-9]+(\.0*)?')
                then try_cast(try_cast({{ text }} as double) as {{ data_type }})
        end
    {%- else -%}
        try_cast({{ text }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}


{# How a typed column leaves staging: personal data hashed or scrubbed, everything else as is. #}
{% macro _published_value(column) -%}
    {%- set pii = column.meta.get('pii') -%}
    {%- if pii in ('email', 'phone', 'name') -%}
        {{ pseudonymise(column.name, pii) }} as {{ column.name }}_hash
    {%- elif pii == 'free_text' -%}
        {{ scrub_pii(column.name) }} as {{ column.name }}
    {%- else -%}
        {{ column.name }}
    {%- endif -%}
{%- endmacro %}


{# All the given raw columns as one text value (unit-separated; nulls distinct from empty strings). #}
{% macro _concat_text(columns) -%}
    concat_ws(chr(31), {% for column in columns %}coalesce(cast({{ column.name }}__raw as varchar), chr(30)){{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}


{# A raw value as trimmed text, blank as null: "is there a value at all?" #}
{% macro _text_of(name) -%}
    nullif(trim(cast({{ name }}__raw as varchar)), '')
{%- endmacro %}


{% macro _is_parsed(column) -%}
    {{- return((column.data_type or 'varchar') | lower != 'varchar') -}}
{%- endmacro %}


{% macro _has_range(column) -%}
    {{- return(column.meta.get('min') is not none or column.meta.get('max') is not none) -}}
{%- endmacro %}


{% macro _out_of_range(column) -%}
    {%- set checks = [] -%}
    {%- if column.meta.get('min') is not none -%}
        {%- do checks.append(column.name ~ ' < ' ~ column.meta['min']) -%}
    {%- endif -%}
    {%- if column.meta.get('max') is not none -%}
        {%- do checks.append(column.name ~ ' > ' ~ column.meta['max']) -%}
    {%- endif -%}
    {{- checks | join(' or ') -}}
{%- endmacro %}


{% macro _range_text(column) -%}
    [{{ column.meta.get('min', '-inf') }}, {{ column.meta.get('max', 'inf') }}]
{%- endmacro %}


{% macro _sql_list(values) -%}
    {%- for value in values -%}'{{ value }}'{{ ", " if not loop.last }}{%- endfor -%}
{%- endmacro %}
