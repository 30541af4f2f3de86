-- One row per KPI x breakdown it is published for: 'all' (the whole population) and every segment
-- type its registry row lists in `segments` (seed kpi_registry, '|'-separated, so the registry row
-- stays the one versioned definition). The KPI tables join this instead of matching strings.
with

registry as (

    select * from {{ ref('kpi_registry') }}

),

list_positions as (

    -- a registry row lists at most every segment type once
    {{ dbt.generate_series(kpi_segment_types() | length) }}

),

split_segments as (

    select
        registry.kpi_id,
        split_part(registry.segments, '|', cast(list_positions.generated_number as integer)) as segment_type
    from registry
    cross join list_positions
    where registry.segments is not null

),

final as (

    select
        kpi_id,
        'all' as segment_type
    from registry
    union all
    select
        kpi_id,
        trim(segment_type) as segment_type
    from split_segments
    where nullif(trim(segment_type), '') is not null

)

select * from final
