-- One row per experiment x metric it reads (the seed experiment_metrics), with the direction of
-- the governed KPI where the metric reads one, so a KPI's direction is stated once, in the registry.
with

experiment_metrics as (

    select * from {{ ref('experiment_metrics') }}

),

kpi_definitions as (

    -- the registry seed itself (an intermediate model reads no mart)
    select * from {{ ref('kpi_registry') }}

),

resolve_definitions as (

    select
        -- ids
        experiment_metrics.experiment_id,
        experiment_metrics.metric,
        experiment_metrics.kpi_id,

        -- strings
        experiment_metrics.role,
        experiment_metrics.metric_family,
        experiment_metrics.metric_kind,
        experiment_metrics.note,

        -- computed (after the plain columns, sqlfluff ST06)
        coalesce(kpi_definitions.direction, experiment_metrics.direction) as direction,
        -- NPS observations are +1 / 0 / -1; the registry's nps aggregation puts their mean on
        -- the -100..100 scale
        case when kpi_definitions.aggregation = 'nps' then 100.0 else 1.0 end as value_scale,
        experiment_metrics.role = 'primary' as is_primary,
        experiment_metrics.role = 'guardrail' as is_guardrail

    from experiment_metrics
    left join kpi_definitions
        on experiment_metrics.kpi_id = kpi_definitions.kpi_id

)

select * from resolve_definitions
