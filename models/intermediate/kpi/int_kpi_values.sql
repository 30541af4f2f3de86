-- KPI values per grain, period and breakdown (the whole population and each segment the KPI is
-- published for), with sample size, standard error and 95% interval, by the aggregation the
-- registry names. The statistics are the macros in macros/kpi/kpi_statistics.sql; the KPI
-- formulas are in the layers' observation models.
--
-- No observation is copied per grain or segment: the sufficient statistics (units and the sums of
-- numerators, denominators, their squares and cross products) are summed in one GROUPING SETS pass
-- over every breakdown per day (or per period for period KPIs), and the days then rolled up into
-- weeks, months and quarters (sums add up exactly); medians and p90 read three order statistics of
-- one sorted list per group (the value, and the distribution-free interval's two bounds).
{%- set breakdowns = kpi_segment_types() %}

with

observations as (

    select * from {{ ref('int_kpi_observations') }}

),

registry as (

    select * from {{ ref('kpi_registry') }}

),

kpi_segments as (

    select * from {{ ref('int_kpi_segments') }}

),

quantile_observations as (

    -- the units of median and p90 KPIs: their values are needed one by one
    select
        quantile_units.kpi_id,
        quantile_units.observed_at,
        quantile_units.grain,
        quantile_units.period_start,
        {%- for segment in breakdowns %}
        quantile_units.{{ segment }},
        {%- endfor %}
        quantile_units.numerator,
        case registry.aggregation when 'median' then 0.5 else 0.9 end as quantile_level
    from {{ ref('int_kpi_observations') }} as quantile_units
    inner join registry
        on quantile_units.kpi_id = registry.kpi_id
    where registry.aggregation in ('median', 'p90')

),

list_grains as (

    select 'week' as grain
    union all
    select 'month' as grain
    union all
    select 'quarter' as grain

),

place_on_days as (

    -- an event observation on its UTC day, a period observation in its own period; a missing
    -- segment value reads 'unknown'
    select
        kpi_id,
        coalesce(grain, 'day') as placed_grain,
        coalesce(period_start, cast(observed_at as date)) as placed_on,
        {%- for segment in breakdowns %}
        coalesce(cast({{ segment }} as {{ sql_type('varchar') }}), 'unknown') as {{ segment }},
        {%- endfor %}
        units,
        numerator,
        denominator,
        numerator_squared,
        denominator_squared,
        numerator_denominator
    from observations

),

sum_days as (

    -- the one pass over the observations: every breakdown at once, per day (or period)
    select
        kpi_id,
        placed_grain,
        placed_on,
        {%- for segment in breakdowns %}
        {{ segment }},
        grouping({{ segment }}) as is_{{ segment }}_rolled_up,
        {%- endfor %}
        sum(units) as units,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(numerator_squared) as numerator_squared,
        sum(denominator_squared) as denominator_squared,
        sum(numerator_denominator) as numerator_denominator
    from place_on_days
    -- GROUPING SETS is ANSI (DuckDB, PostgreSQL, Spark), but sqlfluff's duckdb dialect cannot parse
    -- it yet: hence the noqa
    group by grouping sets (  -- noqa: PRS, AM06
        (kpi_id, placed_grain, placed_on),
        {%- for segment in breakdowns %}
        (kpi_id, placed_grain, placed_on, {{ segment }}){{ "," if not loop.last }}
        {%- endfor %}
    )

),

name_breakdowns as (

    select
        kpi_id,
        placed_grain,
        placed_on,
        case
            {%- for segment in breakdowns %}
            when is_{{ segment }}_rolled_up = 0 then '{{ segment }}'
            {%- endfor %}
            else 'all'
        end as segment_type,
        case
            {%- for segment in breakdowns %}
            when is_{{ segment }}_rolled_up = 0 then {{ segment }}
            {%- endfor %}
            else 'all'
        end as segment_value,
        units,
        numerator,
        denominator,
        numerator_squared,
        denominator_squared,
        numerator_denominator
    from sum_days

),

keep_published_breakdowns as (

    select name_breakdowns.*
    from name_breakdowns
    inner join kpi_segments
        on
            name_breakdowns.kpi_id = kpi_segments.kpi_id
            and name_breakdowns.segment_type = kpi_segments.segment_type

),

summed as (

    -- the days rolled up into their ISO week, month and quarter (additive sums, so exact)
    select
        keep_published_breakdowns.kpi_id,
        list_grains.grain,
        case
            when keep_published_breakdowns.placed_grain = 'day'
                then {{ period_start_of('list_grains.grain', 'keep_published_breakdowns.placed_on') }}
            else keep_published_breakdowns.placed_on
        end as period_start,
        keep_published_breakdowns.segment_type,
        keep_published_breakdowns.segment_value,
        cast(sum(keep_published_breakdowns.units) as bigint) as observations,
        sum(keep_published_breakdowns.numerator) as sum_numerator,
        sum(keep_published_breakdowns.denominator) as sum_denominator,
        sum(keep_published_breakdowns.numerator_squared) as sum_numerator_squared,
        sum(keep_published_breakdowns.denominator_squared) as sum_denominator_squared,
        sum(keep_published_breakdowns.numerator_denominator) as sum_cross
    from keep_published_breakdowns
    inner join list_grains
        on
            keep_published_breakdowns.placed_grain = 'day'
            or keep_published_breakdowns.placed_grain = list_grains.grain
    group by 1, 2, 3, 4, 5

),

sort_quantile_values as (

    -- one sorted list per KPI x grain x period x breakdown the KPI is published for
    {%- for segment in ['all'] + breakdowns %}
    select
        quantile_observations.kpi_id,
        list_grains.grain,
        coalesce(
            quantile_observations.period_start,
            {{ period_start_of('list_grains.grain', 'quantile_observations.observed_at') }}
        ) as period_start,
        '{{ segment }}' as segment_type,
        {%- if segment == 'all' %}
        'all' as segment_value,
        {%- else %}
        coalesce(cast(quantile_observations.{{ segment }} as {{ sql_type('varchar') }}), 'unknown') as segment_value,
        {%- endif %}
        quantile_observations.quantile_level,
        count(*) as value_count,
        {{ sorted_values('quantile_observations.numerator') }} as sorted_numerators
    from quantile_observations
    inner join list_grains
        on quantile_observations.grain is null or quantile_observations.grain = list_grains.grain
    inner join kpi_segments
        on
            quantile_observations.kpi_id = kpi_segments.kpi_id
            and kpi_segments.segment_type = '{{ segment }}'
    group by 1, 2, 3, 4, 5, 6
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

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
    from sort_quantile_values

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
            when 'nps' then 100.0 * summed.sum_numerator / summed.observations
            when 'sum' then summed.sum_numerator
            else quantiles.quantile_value
        end as value,
        case registry.aggregation
            when 'median' then null
            when 'p90' then null
            else summed.sum_numerator
        end as numerator,
        case registry.aggregation
            when 'proportion' then summed.sum_denominator
            when 'ratio' then summed.sum_denominator
            else cast(summed.observations as {{ sql_type('double') }})
        end as denominator,
        case registry.aggregation
            when 'proportion' then cast(summed.sum_denominator as bigint)
            else summed.observations
        end as sample_size,
        -- NPS observations are +1, 0 or -1: promoters = (sum x^2 + sum x) / 2 and detractors =
        -- (sum x^2 - sum x) / 2, whether a row is one answer or a count of them
        case
            when registry.aggregation = 'nps'
                then (summed.sum_numerator_squared + summed.sum_numerator) / 2.0 / summed.observations
        end as promoter_share,
        case
            when registry.aggregation = 'nps'
                then (summed.sum_numerator_squared - summed.sum_numerator) / 2.0 / summed.observations
        end as detractor_share
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
