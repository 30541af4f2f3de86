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

    source_row_key is the md5 of the non-personal raw columns and the row's number among the rows
    that share them, ordered by their personal columns, then file. Exact copies are consecutive in
    that order: the first is kept, and the numbers after it are its duplicates (copies within one
    file are indistinguishable, so which of them is kept does not show).

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
{%- set personal_columns = columns | selectattr('meta.pii', 'defined') | list -%}
{%- set columns_by_name = {} -%}
{%- for column in columns -%}{%- do columns_by_name.update({column.name: column}) -%}{%- endfor -%}
{%- if not primary_key or not columns -%}
    {{ exceptions.raise_compiler_error(
        "Source " ~ source_name ~ "." ~ table_name ~ " needs meta.primary_key and documented columns") }}
{%- endif -%}
{%- for key in primary_key -%}
    {%- if key not in columns_by_name or columns_by_name[key].meta.get('pii') -%}
        {{ exceptions.raise_compiler_error(
            "Source " ~ source_name ~ "." ~ table_name ~ ": primary-key column " ~ key
            ~ " must be a documented column without personal data") }}
    {%- endif -%}
{%- endfor -%}

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

{#
    Finding copies, numbering the key and ranking versions compare rows with each other, and sorting
    every row with all its columns for that was most of the cost of staging a large table. Each of
    those comparisons is between rows with the same typed id: copies and rows that share their
    non-personal columns share the primary key (which is never personal), and versions compete per
    id. So only rows whose id (empty included) occurs more than once, a few percent, are sorted
    ("ranked"), exactly as before; every other row ("single") is key number 1, no copy and the only
    version of its id. Rows are routed by a hash of the id: equal ids have equal hashes, and a hash
    collision only sends a few more rows through the exact ranking.
#}
keyed as (

    -- Referenced twice below, so DuckDB materialises it once.
    select
        *,
        {%- set typed_keys = [] -%}
        {%- for key in primary_key %}{% do typed_keys.append(_typed_value(columns_by_name[key], file_format)) %}{% endfor %}
        {{ value_hash(typed_keys) }} as _id_hash
    from raw_rows

),

shared_id_hashes as (

    select _id_hash
    from keyed
    group by 1
    having count(*) > 1

),

ranked_numbered as (

    select
        keyed.*,
        row_number() over rows_sharing_non_personal_columns as _key_number,
        -- an exact copy of the previous row of its group (sorted by personal data, then file)
        row_number() over rows_sharing_non_personal_columns > 1
        {%- for column in personal_columns %}
        and (
            lag(keyed.{{ column.name }}__raw) over rows_sharing_non_personal_columns
            is not distinct from keyed.{{ column.name }}__raw
        )
        {%- endfor %} as _is_copy
    from keyed
    inner join shared_id_hashes on keyed._id_hash = shared_id_hashes._id_hash
    window rows_sharing_non_personal_columns as (
        partition by {% for column in non_personal_columns %}keyed.{{ column.name }}__raw{{ ", " if not loop.last }}{% endfor %}
        order by {% for column in personal_columns %}keyed.{{ column.name }}__raw, {% endfor %}keyed._source_file
    )

),

single_numbered as (

    select
        keyed.*,
        1 as _key_number,
        false as _is_copy
    from keyed
    left join shared_id_hashes on keyed._id_hash = shared_id_hashes._id_hash
    where shared_id_hashes._id_hash is null

),
{%- for branch in ['ranked', 'single'] %}

{{ branch }}_typed as (

    select
        *,
        {%- for column in columns %}
        {{ _typed_value(column, file_format) }} as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ branch }}_numbered

),

{{ branch }}_checked as (

    select
        *,
        {{ _quarantine_case(columns, primary_key, columns_by_name, 'reason') }} as _reason
    from {{ branch }}_typed

),
{%- endfor %}

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
    from ranked_checked

    union all

    select
        *,
        1 as _version_rank
    from single_checked

),

final as (

    select
        '{{ source_name }}.{{ table_name }}' as source_table,
        md5({{ _concat_text(non_personal_columns) }}) || '-' || cast(_key_number as {{ sql_type('varchar') }}) as source_row_key,
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
            -- the detail of the reason, spelled out only for the few rows that have one
            when _reason is not null
                then {{ _quarantine_case(columns, primary_key, columns_by_name, 'detail') }}
        end as quarantine_detail,
        _source_file as source_file
    from versioned

)

select * from final
{%- endif -%}
{% endmacro %}


{#
    The first check a typed row fails, in the order of the header: its reason code (`what` =
    'reason') or the detail naming the column and value ('detail'). One list, so the reason and its
    detail cannot drift apart.
#}
{% macro _quarantine_case(columns, primary_key, columns_by_name, what) -%}
    {%- set detail = what == 'detail' -%}
    case
            when _is_copy then {{ "'exact copy of an earlier row'" if detail else "'duplicate'" }}
            {%- for key in primary_key %}
            when {{ _id_is_empty(columns_by_name[key]) }} then {{ "'" ~ key ~ " is empty'" if detail else "'missing_id'" }}
            {%- endfor %}
            {%- for column in columns if _is_parsed(column) %}
            when {{ column.name }} is null and {{ _text_of(column.name) }} is not null
                then {{ "'" ~ column.name ~ ": cannot read ' || left(cast(" ~ column.name ~ "__raw as " ~ sql_type('varchar') ~ "), 80) || ' as " ~ column.data_type ~ "'" if detail else "'unparseable_value'" }}
            {%- endfor %}
            {%- for column in columns if column.meta.get('required') %}
            when {{ column.name }} is null then {{ "'" ~ column.name ~ " is empty'" if detail else "'missing_value'" }}
            {%- endfor %}
            {%- for column in columns if column.meta.get('accepted_values') %}
            when {{ column.name }} not in ({{ _sql_list(column.meta['accepted_values']) }})
                then {{ "'" ~ column.name ~ " = ' || left(" ~ column.name ~ ", 80) || ' is not an accepted value'" if detail else "'unknown_enum'" }}
            {%- endfor %}
            {%- for column in columns if _has_range(column) %}
            when {{ _out_of_range(column) }}
                then {{ "'" ~ column.name ~ " = ' || " ~ _number_text(column) ~ " || ' is outside " ~ _range_text(column) ~ "'" if detail else "'out_of_range'" }}
            {%- endfor %}
            {%- for column in columns if column.meta.get('range_by') %}
            {%- for by_column, ranges in column.meta['range_by'].items() %}
            {%- for by_value, bounds in ranges.items() %}
            when {{ by_column }} = '{{ by_value }}' and ({{ column.name }} < {{ bounds[0] }} or {{ column.name }} > {{ bounds[1] }})
                then {{ "'" ~ column.name ~ " = ' || " ~ _number_text(column) ~ " || ' is outside [" ~ bounds[0] ~ ", " ~ bounds[1] ~ "] for " ~ by_column ~ " " ~ by_value ~ "'" if detail else "'out_of_range'" }}
            {%- endfor %}
            {%- endfor %}
            {%- endfor %}
        end
{%- endmacro %}


{# The value of a raw column as read: text for CSV and JSON lines, the stored type for Parquet. #}
{% macro _raw_value(name, file_format) -%}
    {%- if file_format == 'jsonl' -%}
        {{ json_text_value(name) }}
    {%- else -%}
        {{ name }}
    {%- endif -%}
{%- endmacro %}


{# Cleaned and typed: trimmed, blanks to null, enums lower-cased, timestamps to UTC, PII untouched here. #}
{% macro _typed_value(column, file_format) -%}
    {%- set raw = column.name ~ '__raw' -%}
    {%- set data_type = (column.data_type or 'varchar') | lower -%}
    {%- set text = "nullif(" ~ _trim("cast(" ~ raw ~ " as " ~ sql_type('varchar') ~ ")") ~ ", '')" -%}
    {%- if data_type == 'varchar' and column.meta.get('accepted_values') -%}
        lower({{ text }})
    {%- elif data_type == 'varchar' -%}
        {{ text }}
    {%- elif data_type == 'timestamp' -%}
        {{ to_utc_timestamp(text if file_format != 'parquet' else raw) }}
    {%- elif file_format == 'parquet' -%}
        {{ try_cast(raw, data_type) }}
    {%- elif data_type in ('integer', 'bigint') -%}
        {#- a cast would round 4.5 to 5: only whole numbers are integers -#}
        case
            when {{ regex_full_match(text, '[+-]?[0-9]+(\.0*)?') }}
                then {{ try_cast(try_cast(text, 'double'), data_type) }}
        end
    {%- else -%}
        {{ try_cast(text, data_type) }}
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
    concat_ws(chr(31), {% for column in columns %}coalesce(cast({{ column.name }}__raw as {{ sql_type('varchar') }}), chr(30)){{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}


{# A raw value as trimmed text, blank as null: "is there a value at all?" #}
{% macro _text_of(name) -%}
    nullif({{ _trim("cast(" ~ name ~ "__raw as " ~ sql_type('varchar') ~ ")") }}, '')
{%- endmacro %}


{#
    trim(text), called only where it can change the text. DuckDB's trim removes Unicode space
    separators (category Zs) from both ends, and the only one in ASCII is the space: so an ASCII
    text (as many bytes as characters) that neither starts nor ends with a space is its own trim.
    The test reads a few bytes; trim decodes every character of the text, which at the large scale
    costs seconds per table.
#}
{% macro _trim(text) -%}
    {{ return(adapter.dispatch('_trim', 'empathy')(text)) }}
{%- endmacro %}

{% macro default___trim(text) -%}
    trim({{ text }})
{%- endmacro %}

{#- Spark's trim removes only the ASCII space; DuckDB's removes every Unicode space separator (Zs). -#}
{% macro spark___trim(text) -%}
    case
        when octet_length({{ text }}) <> length({{ text }}) or startswith({{ text }}, ' ') or endswith({{ text }}, ' ')
            then regexp_replace({{ text }}, r'^\p{Zs}+|\p{Zs}+\z', '')
        else {{ text }}
    end
{%- endmacro %}

{% macro duckdb___trim(text) -%}
    case
        when strlen({{ text }}) <> length({{ text }}) or starts_with({{ text }}, ' ') or ends_with({{ text }}, ' ')
            then trim({{ text }})
        else {{ text }}
    end
{%- endmacro %}


{#
    "Is the id empty?": its raw text is blank. A varchar id is typed as exactly that text (or its
    lower case), so its typed value answers without trimming the raw value again.
#}
{% macro _id_is_empty(column) -%}
    {%- if (column.data_type or 'varchar') | lower == 'varchar' -%}
        {{ column.name }} is null
    {%- else -%}
        {{ _text_of(column.name) }} is null
    {%- endif -%}
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


{# A typed number as text, written as DuckDB writes it on every engine (a double 650 as 650.0). #}
{% macro _number_text(column) -%}
    {%- if (column.data_type or 'varchar') | lower == 'double' -%}
        {{ number_text(column.name) }}
    {%- else -%}
        cast({{ column.name }} as {{ sql_type('varchar') }})
    {%- endif -%}
{%- endmacro %}


{% macro _range_text(column) -%}
    [{{ column.meta.get('min', '-inf') }}, {{ column.meta.get('max', 'inf') }}]
{%- endmacro %}


{% macro _sql_list(values) -%}
    {%- for value in values -%}'{{ value }}'{{ ", " if not loop.last }}{%- endfor -%}
{%- endmacro %}
