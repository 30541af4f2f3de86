-- The single governed table of KPI values: every KPI x grain x period x segment, with its sample,
-- interval, the previous period's value, whether the change is outside noise, and its status.
{#- the as-of date: dbt var as_of, else EMPATHY_AS_OF (set by `empathy refresh --as-of`) -#}
{%- set as_of = var('as_of', env_var('EMPATHY_AS_OF', '')) %}
with

event_values as (

    select * from {{ ref('int_kpi_values') }}

),

derived_values as (

    select * from {{ ref('int_kpi_values_derived') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

{%- for layer in ['experience', 'engagement', 'operational', 'commercial', 'governance'] %}

{{ layer }}_observations as (

    select max(observed_at) as observed_until
    from {{ ref('int_' ~ layer ~ '_kpi_observations') }}

),
{%- endfor %}

observed_until as (

    -- the latest observation of any layer
    select max(observed_until) as observed_until
    from (
        {%- for layer in ['experience', 'engagement', 'operational', 'commercial', 'governance'] %}
        select observed_until from {{ layer }}_observations
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as layers

),

kpi_values as (

    select * from event_values
    union all
    select * from derived_values

),

data_horizon as (

    -- periods are closed when they end on or before the as-of date (var as_of) and the data
    -- reaches their end (the day after the latest observation): a review scheduled before the
    -- exports arrive never closes a period the data does not cover
    select
        least(
            coalesce(
                {{ "cast('" ~ as_of ~ "' as date)" if as_of else 'null' }},
                cast({{ dbt.dateadd('day', 1, 'observed_until') }} as date)
            ),
            cast({{ dbt.dateadd('day', 1, 'observed_until') }} as date)
        ) as as_of_date
    from observed_until

),

with_periods as (

    select
        kpi_values.*,
        {{ period_end_exclusive('kpi_values.grain', 'kpi_values.period_start') }} as period_end_exclusive,
        {{ dbt.datediff(
            'kpi_values.period_start',
            period_end_exclusive('kpi_values.grain', 'kpi_values.period_start'),
            'day'
        ) }} as period_days,
        {{ previous_period_start('kpi_values.grain', 'kpi_values.period_start') }} as previous_period_start,
        kpi_values.sample_size >= {{ var('min_sample_size') }}
        and kpi_values.value is not null as is_sufficient
    from kpi_values

),

compared as (

    select
        current_period.*,
        previous_period.value as previous_value,
        previous_period.sample_size as previous_sample_size,
        previous_period.is_sufficient as previous_is_sufficient,
        case
            -- two-proportion z-test with the pooled proportion
            when current_period.aggregation = 'proportion'
                then (current_period.value - previous_period.value) / nullif(sqrt(
                    (
                        (current_period.numerator + previous_period.numerator)
                        / (current_period.denominator + previous_period.denominator)
                    )
                    * (
                        1.0 - (current_period.numerator + previous_period.numerator)
                        / (current_period.denominator + previous_period.denominator)
                    )
                    * (1.0 / current_period.denominator + 1.0 / previous_period.denominator)
                ), 0)
            -- difference over the combined standard error (Welch, normal approximation)
            else (current_period.value - previous_period.value) / nullif(sqrt(
                current_period.standard_error * current_period.standard_error
                + previous_period.standard_error * previous_period.standard_error
            ), 0)
        end as change_z
    from with_periods as current_period
    left join with_periods as previous_period
        on
            current_period.kpi_id = previous_period.kpi_id
            and current_period.grain = previous_period.grain
            and current_period.segment_type = previous_period.segment_type
            and current_period.segment_value = previous_period.segment_value
            and current_period.previous_period_start = previous_period.period_start

),

grain_thresholds as (

    select
        compared.*,
        {{ scaled_threshold('definitions.warn_threshold', 'definitions.threshold_basis', 'compared.period_days') }}
            as warn_threshold,
        {{ scaled_threshold('definitions.breach_threshold', 'definitions.threshold_basis', 'compared.period_days') }}
            as breach_threshold
    from compared
    inner join definitions
        on compared.kpi_id = definitions.kpi_id

),

final as (

    select
        compared.kpi_id,
        definitions.name as kpi_name,
        definitions.layer,
        compared.grain,
        compared.period_start,
        cast({{ dbt.dateadd('day', -1, 'compared.period_end_exclusive') }} as date) as period_end,
        compared.segment_type,
        compared.segment_value,
        compared.value,
        compared.numerator,
        compared.denominator,
        compared.sample_size,
        compared.standard_error,
        compared.ci_low,
        compared.ci_high,
        compared.is_sufficient,
        compared.previous_value,
        compared.previous_sample_size,
        compared.value - compared.previous_value as change,
        compared.change_z,
        coalesce(
            compared.is_sufficient
            and compared.previous_is_sufficient
            and abs(compared.change_z) > {{ z95() }},
            false
        ) as change_is_significant,
        case
            when not compared.is_sufficient then 'insufficient'
            when definitions.direction = 'higher_is_better' and compared.value < compared.breach_threshold
                then 'breach'
            when definitions.direction = 'higher_is_better' and compared.value < compared.warn_threshold
                then 'watch'
            when definitions.direction = 'lower_is_better' and compared.value > compared.breach_threshold
                then 'breach'
            when definitions.direction = 'lower_is_better' and compared.value > compared.warn_threshold
                then 'watch'
            else 'on_track'
        end as status,
        compared.warn_threshold,
        compared.breach_threshold,
        definitions.direction,
        definitions.unit,
        definitions.owner,
        definitions.definition_version,
        compared.period_end_exclusive <= data_horizon.as_of_date as is_closed_period
    from grain_thresholds as compared
    inner join definitions
        on compared.kpi_id = definitions.kpi_id
    cross join data_horizon
    -- stored in the order BI tools read it (one KPI, one grain, a segment, a run of periods), so
    -- DuckDB's per-block min/max skip everything else; by name, not position (AM06), for clarity
    order by  -- noqa: AM06
        compared.kpi_id,
        compared.grain,
        compared.segment_type,
        compared.segment_value,
        compared.period_start

)

select * from final
