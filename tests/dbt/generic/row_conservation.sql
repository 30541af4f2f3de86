{#-
    Fails for every source table whose raw rows are not exactly its valid plus quarantined rows,
    and when a raw table of the project is missing from the model altogether.
-#}
{% test row_conservation(model) %}

with

expected_tables as (
    {%- for raw in raw_tables() %}
    select '{{ raw.system }}.{{ raw.table }}' as source_table
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

unbalanced as (

    select
        source_table,
        'raw_rows ' || cast(raw_rows as varchar) || ' <> valid_rows ' || cast(valid_rows as varchar)
        || ' + quarantined_rows ' || cast(quarantined_rows as varchar) as problem
    from {{ model }}
    where raw_rows is null
        or valid_rows is null
        or quarantined_rows is null
        or raw_rows <> valid_rows + quarantined_rows

),

missing as (

    select
        expected_tables.source_table,
        'missing from the conservation table' as problem
    from expected_tables
    left join {{ model }} as conservation
        on expected_tables.source_table = conservation.source_table
    where conservation.source_table is null

)

select * from unbalanced
union all
select * from missing

{% endtest %}
