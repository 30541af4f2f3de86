-- Row conservation per raw table: every raw row is either valid (in staging) or quarantined.
with

raw_counts as (

    select * from {{ ref('dq_source_row_counts') }}

),

valid_counts as (
    {%- for raw in raw_tables() %}

    select
        '{{ raw.system }}.{{ raw.table }}' as source_table,
        count(*) as valid_rows
    from {{ ref(raw.staging_model) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

quarantine_counts as (

    select
        source_table,
        count(*) as quarantined_rows
    from {{ ref('dq_quarantine') }}
    group by 1

),

final as (

    select
        raw_counts.source_table,
        raw_counts.raw_rows,
        valid_counts.valid_rows,
        coalesce(quarantine_counts.quarantined_rows, 0) as quarantined_rows,
        case
            when raw_counts.raw_rows = 0 then 0.0
            else
                cast(coalesce(quarantine_counts.quarantined_rows, 0) as {{ sql_type('double') }})
                / cast(raw_counts.raw_rows as {{ sql_type('double') }})
        end as quarantine_rate,
        raw_counts.raw_rows
        = valid_counts.valid_rows + coalesce(quarantine_counts.quarantined_rows, 0) as is_conserved
    from raw_counts
    left join valid_counts
        on raw_counts.source_table = valid_counts.source_table
    left join quarantine_counts
        on raw_counts.source_table = quarantine_counts.source_table

)

select * from final
