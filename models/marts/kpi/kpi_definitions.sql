-- The governed KPI registry as BI tools and reviews read it.
with

registry as (

    select * from {{ ref('kpi_registry') }}

),

final as (

    select
        kpi_id,
        name,
        layer,
        definition,
        formula,
        unit,
        direction,
        aggregation,
        owner,
        target,
        warn_threshold,
        breach_threshold,
        threshold_basis,
        playbook,
        cadences,
        segments,
        is_starter,
        definition_version
    from registry

)

select * from final
