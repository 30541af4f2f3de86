-- KPIs computed from other KPIs of the same grain, period and segment (registry aggregation
-- 'derived'). Their formulas live here and only here.
with

kpi_values as (

    select * from {{ ref('int_kpi_values') }}

),

kpi_segments as (

    select * from {{ ref('int_kpi_segments') }}

),

components as (

    select
        grain,
        period_start,
        segment_type,
        segment_value,
        max(case when kpi_id = 'won_value' then value end) as won_value,
        max(case when kpi_id = 'win_rate' then value end) as win_rate,
        max(case when kpi_id = 'sales_cycle_days' then value end) as sales_cycle_days,
        min(
            case when kpi_id in ('won_value', 'win_rate', 'sales_cycle_days') then sample_size end
        ) as pipeline_sample_size,
        count(case when kpi_id in ('won_value', 'win_rate', 'sales_cycle_days') then 1 end)
            as pipeline_components,
        max(case when kpi_id = 'arpa' then value end) as arpa,
        max(case when kpi_id = 'churn_rate' then value end) as churn_rate,
        min(case when kpi_id in ('arpa', 'churn_rate') then sample_size end) as ltv_sample_size,
        count(case when kpi_id in ('arpa', 'churn_rate') then 1 end) as ltv_components
    from kpi_values
    group by 1, 2, 3, 4

),

with_period_days as (

    select
        *,
        {{ dbt.datediff('period_start', period_end_exclusive('grain', 'period_start'), 'day') }}
            as period_days
    from components

),

pipeline_velocity as (

    -- won value x win rate / sales cycle days
    select
        'pipeline_velocity' as kpi_id,
        grain,
        period_start,
        segment_type,
        segment_value,
        won_value * win_rate / nullif(sales_cycle_days, 0) as value,
        pipeline_sample_size as sample_size
    from with_period_days
    where pipeline_components = 3

),

ltv as (

    -- ARPA / monthly churn, the period's churn converted to a 30.44-day rate
    select
        'ltv' as kpi_id,
        grain,
        period_start,
        segment_type,
        segment_value,
        arpa / nullif(1.0 - power(1.0 - churn_rate, 30.44 / period_days), 0) as value,
        ltv_sample_size as sample_size
    from with_period_days
    where ltv_components = 2

),

derived as (

    select * from pipeline_velocity
    union all
    select * from ltv

),

final as (

    select
        derived.kpi_id,
        derived.grain,
        derived.period_start,
        derived.segment_type,
        derived.segment_value,
        'derived' as aggregation,
        derived.value,
        cast(null as {{ sql_type('double') }}) as numerator,
        cast(null as {{ sql_type('double') }}) as denominator,
        derived.sample_size,
        cast(null as {{ sql_type('double') }}) as standard_error,
        cast(null as {{ sql_type('double') }}) as ci_low,
        cast(null as {{ sql_type('double') }}) as ci_high
    from derived
    -- only the breakdowns the derived KPI is published for
    inner join kpi_segments
        on
            derived.kpi_id = kpi_segments.kpi_id
            and derived.segment_type = kpi_segments.segment_type

)

select * from final
