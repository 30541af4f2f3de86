-- Observations aggregated to KPI values per grain, period and segment, with sample size, standard
-- error and 95% interval, by the aggregation the registry names. The statistics are the macros in
-- macros/kpi/kpi_statistics.sql; the KPI formulas are in the layers' observation models.
with

observations as (

    select * from {{ ref('int_kpi_observations') }}

),

registry as (

    select * from {{ ref('kpi_registry') }}

),

placed_in_periods as (

    -- event observations count in their ISO week, month and quarter; period observations in theirs
    {%- for grain in ['week', 'month', 'quarter'] %}
    select
        observations.*,
        '{{ grain }}' as period_grain,
        cast({{ dbt.date_trunc(grain, 'observations.observed_at') }} as date) as period
    from observations
    where observations.grain is null
    union all
    {%- endfor %}
    select
        observations.*,
        observations.grain as period_grain,
        observations.period_start as period
    from observations
    where observations.grain is not null

),

segmented as (

    select
        placed_in_periods.kpi_id,
        placed_in_periods.period_grain as grain,
        placed_in_periods.period as period_start,
        'all' as segment_type,
        'all' as segment_value,
        placed_in_periods.numerator,
        placed_in_periods.denominator
    from placed_in_periods
    {%- for segment in kpi_segment_types() %}
    union all
    select
        placed_in_periods.kpi_id,
        placed_in_periods.period_grain as grain,
        placed_in_periods.period as period_start,
        '{{ segment }}' as segment_type,
        coalesce(cast(placed_in_periods.{{ segment }} as varchar), 'unknown') as segment_value,
        placed_in_periods.numerator,
        placed_in_periods.denominator
    from placed_in_periods
    inner join registry
        on placed_in_periods.kpi_id = registry.kpi_id
    where '|' || registry.segments || '|' like '%|{{ segment }}|%'
    {%- endfor %}

),

summed as (

    select
        kpi_id,
        grain,
        period_start,
        segment_type,
        segment_value,
        count(*) as observations,
        sum(numerator) as sum_numerator,
        sum(denominator) as sum_denominator,
        sum(numerator * numerator) as sum_numerator_squared,
        sum(denominator * denominator) as sum_denominator_squared,
        sum(numerator * denominator) as sum_cross,
        sum(case when numerator > 0 then 1 else 0 end) as positive_count,
        sum(case when numerator < 0 then 1 else 0 end) as negative_count
    from segmented
    group by 1, 2, 3, 4, 5

),

quantile_kpis as (

    select
        segmented.kpi_id,
        segmented.grain,
        segmented.period_start,
        segmented.segment_type,
        segmented.segment_value,
        case registry.aggregation when 'median' then 0.5 else 0.9 end as quantile_level,
        count(*) as value_count,
        {{ sorted_values('segmented.numerator') }} as sorted_numerators
    from segmented
    inner join registry
        on segmented.kpi_id = registry.kpi_id
    where registry.aggregation in ('median', 'p90')
    group by 1, 2, 3, 4, 5, 6

),

quantiles as (

    -- interpolated quantile as the value; order statistics as a distribution-free 95% interval
    select
        kpi_id,
        grain,
        period_start,
        segment_type,
        segment_value,
        {{ interpolated_quantile('sorted_numerators', 'value_count', 'quantile_level') }} as quantile_value,
        {{ element_at('sorted_numerators', quantile_rank('quantile_level', 'value_count', 'low')) }}
            as quantile_ci_low,
        {{ element_at('sorted_numerators', quantile_rank('quantile_level', 'value_count', 'high')) }}
            as quantile_ci_high
    from quantile_kpis

),

valued as (

    select
        summed.kpi_id,
        summed.grain,
        summed.period_start,
        summed.segment_type,
        summed.segment_value,
        registry.aggregation,
        summed.sum_numerator,
        summed.sum_denominator,
        summed.sum_numerator_squared,
        summed.sum_denominator_squared,
        summed.sum_cross,
        summed.observations,
        quantiles.quantile_ci_low,
        quantiles.quantile_ci_high,
        case registry.aggregation
            when 'proportion' then summed.sum_numerator / nullif(summed.sum_denominator, 0)
            when 'ratio' then summed.sum_numerator / nullif(summed.sum_denominator, 0)
            when 'mean' then summed.sum_numerator / summed.observations
            when 'nps' then 100.0 * (summed.positive_count - summed.negative_count) / summed.observations
            when 'sum' then summed.sum_numerator
            else quantiles.quantile_value
        end as value,
        case registry.aggregation
            when 'nps' then cast(summed.positive_count - summed.negative_count as double)
            when 'median' then null
            when 'p90' then null
            else summed.sum_numerator
        end as numerator,
        case registry.aggregation
            when 'proportion' then summed.sum_denominator
            when 'ratio' then summed.sum_denominator
            else cast(summed.observations as double)
        end as denominator,
        case registry.aggregation
            when 'proportion' then cast(summed.sum_denominator as bigint)
            else summed.observations
        end as sample_size,
        cast(summed.positive_count as double) / summed.observations as promoter_share,
        cast(summed.negative_count as double) / summed.observations as detractor_share
    from summed
    inner join registry
        on summed.kpi_id = registry.kpi_id
    left join quantiles
        on
            summed.kpi_id = quantiles.kpi_id
            and summed.grain = quantiles.grain
            and summed.period_start = quantiles.period_start
            and summed.segment_type = quantiles.segment_type
            and summed.segment_value = quantiles.segment_value

),

with_errors as (

    select
        *,
        case aggregation
            when 'proportion' then sqrt(value * (1.0 - value) / nullif(sample_size, 0))
            when 'mean' then {{ mean_standard_error('sum_numerator', 'sum_numerator_squared', 'observations') }}
            when 'ratio' then {{ ratio_standard_error(
                'sum_numerator', 'sum_denominator', 'sum_numerator_squared',
                'sum_denominator_squared', 'sum_cross', 'observations') }}
            when 'nps' then {{ nps_standard_error('promoter_share', 'detractor_share', 'observations') }}
            when 'median' then (quantile_ci_high - quantile_ci_low) / (2.0 * {{ z95() }})
            when 'p90' then (quantile_ci_high - quantile_ci_low) / (2.0 * {{ z95() }})
        end as standard_error
    from valued

),

final as (

    select
        kpi_id,
        grain,
        period_start,
        segment_type,
        segment_value,
        aggregation,
        value,
        numerator,
        denominator,
        sample_size,
        standard_error,
        case
            when aggregation = 'proportion' and sample_size > 0
                then {{ wilson_bound('value', 'sample_size', 'low') }}
            when aggregation in ('median', 'p90') then quantile_ci_low
            when aggregation = 'sum' then null
            else value - {{ z95() }} * standard_error
        end as ci_low,
        case
            when aggregation = 'proportion' and sample_size > 0
                then {{ wilson_bound('value', 'sample_size', 'high') }}
            when aggregation in ('median', 'p90') then quantile_ci_high
            when aggregation = 'sum' then null
            else value + {{ z95() }} * standard_error
        end as ci_high
    from with_errors

)

select * from final
