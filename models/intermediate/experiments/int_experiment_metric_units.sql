-- One row per experiment x analysed unit x metric the experiment reads x read window (weeks after
-- exposure): the unit's observations of the metric inside its window and their sum and sum of
-- squares. A unit enters a read window only when the whole window lies inside the data, so each
-- read is an exposure cohort that had the full time to react.
-- Governed KPIs are read from their observations in int_kpi_observations (the formula stays in the
-- KPI layer): an observation counts when its customer is the unit and it happened in
-- [exposed_at, exposed_at + N weeks). Metrics without an event KPI are the CTEs named after them.
-- Built after int_kpi_values (depends_on below), not beside it: the two largest aggregations of a
-- build at the large scale share DuckDB's memory cap, and side by side they spilled to disk and took
-- three times as long as one after the other.
-- depends_on: {{ ref('int_kpi_values') }}
with

units as (

    select * from {{ ref('int_experiment_units') }}
    where is_analysed

),

metrics as (

    select * from {{ ref('int_experiment_metrics_defined') }}

),

kpi_observations as (

    select * from {{ ref('int_kpi_observations') }}

),

conversions as (

    select * from {{ ref('int_conversions_ai_assisted') }}

),

ai_outputs as (

    select * from {{ ref('int_ai_outputs_reviewed') }}

),

list_read_windows as (

    {{ experiment_read_windows() }}

),

gather_governed_observations as (

    -- event KPIs only: a KPI counted per period has no moment to place in a read window
    select
        kpi_observations.kpi_id,
        kpi_observations.customer_id,
        kpi_observations.observed_at,
        kpi_observations.numerator / kpi_observations.denominator as value
    from kpi_observations
    where
        kpi_observations.observed_at is not null
        and kpi_observations.customer_id is not null
        and kpi_observations.denominator <> 0
        and kpi_observations.kpi_id in (
            select metrics.kpi_id from metrics
            where metrics.kpi_id is not null
        )

),

list_purchases as (

    -- the conversions the registry's conversion_rate counts: purchases and upgrades, not signups
    select
        customer_id,
        converted_at,
        conversion_value
    from conversions
    where {{ is_purchase_conversion('conversion_type') }}

),

list_recommendations as (

    -- AI recommendations the customer decided on, whether an explanation was shown or not
    select
        customer_id,
        created_at,
        cast(case when accepted then 1 else 0 end as {{ sql_type('double') }}) as value
    from ai_outputs
    where output_type = 'recommendation' and accepted is not null

),

find_data_end as (

    -- the latest moment the metric sources know about
    select
        greatest(
            (select max(gather_governed_observations.observed_at) from gather_governed_observations),
            (select max(list_purchases.converted_at) from list_purchases),
            (select max(list_recommendations.created_at) from list_recommendations)
        ) as data_end_at

),

place_units_in_windows as (

    -- every analysed unit in every read window that has closed by the end of the data
    select
        units.experiment_id,
        units.unit_id,
        units.variant,
        units.is_control,
        units.exposed_at,
        list_read_windows.weeks_after_exposure,
        {{ dbt.dateadd('day', '7 * list_read_windows.weeks_after_exposure', 'units.exposed_at') }}
            as window_end_at
    from units
    cross join list_read_windows
    cross join find_data_end
    where
        {{ dbt.dateadd('day', '7 * list_read_windows.weeks_after_exposure', 'units.exposed_at') }}
        <= find_data_end.data_end_at

),

governed_kpis as (

    -- each metric the experiment reads from a governed KPI: the unit's observations in the window
    -- (none: 0 observations, the unit does not weigh in the metric's value)
    select
        place_units_in_windows.experiment_id,
        place_units_in_windows.unit_id,
        place_units_in_windows.variant,
        place_units_in_windows.is_control,
        place_units_in_windows.weeks_after_exposure,
        metrics.metric,
        count(gather_governed_observations.observed_at) as observations,
        sum(gather_governed_observations.value * metrics.value_scale) as value_sum,
        sum(
            gather_governed_observations.value * metrics.value_scale
            * gather_governed_observations.value * metrics.value_scale
        ) as value_sum_of_squares
    from place_units_in_windows
    inner join metrics
        on
            place_units_in_windows.experiment_id = metrics.experiment_id
            and metrics.kpi_id is not null
    left join gather_governed_observations
        on
            metrics.kpi_id = gather_governed_observations.kpi_id
            and place_units_in_windows.unit_id = gather_governed_observations.customer_id
            and place_units_in_windows.exposed_at <= gather_governed_observations.observed_at
            and place_units_in_windows.window_end_at > gather_governed_observations.observed_at
    group by 1, 2, 3, 4, 5, 6

),

count_purchases as (

    select
        place_units_in_windows.experiment_id,
        place_units_in_windows.unit_id,
        place_units_in_windows.variant,
        place_units_in_windows.is_control,
        place_units_in_windows.weeks_after_exposure,
        count(list_purchases.converted_at) as purchases,
        coalesce(sum(list_purchases.conversion_value), 0) as purchase_value
    from place_units_in_windows
    left join list_purchases
        on
            place_units_in_windows.unit_id = list_purchases.customer_id
            and place_units_in_windows.exposed_at <= list_purchases.converted_at
            and place_units_in_windows.window_end_at > list_purchases.converted_at
    group by 1, 2, 3, 4, 5

),

conversion_rate as (

    -- every unit is one observation: 1 when it bought or upgraded in the window
    select
        experiment_id,
        unit_id,
        variant,
        is_control,
        weeks_after_exposure,
        'conversion_rate' as metric,
        1 as observations,
        cast(case when purchases > 0 then 1 else 0 end as {{ sql_type('double') }}) as value_sum,
        cast(case when purchases > 0 then 1 else 0 end as {{ sql_type('double') }}) as value_sum_of_squares
    from count_purchases

),

revenue_per_customer as (

    -- every unit is one observation: the value (USD) of its purchases and upgrades in the window
    select
        experiment_id,
        unit_id,
        variant,
        is_control,
        weeks_after_exposure,
        'revenue_per_customer' as metric,
        1 as observations,
        cast(purchase_value as {{ sql_type('double') }}) as value_sum,
        cast(purchase_value * purchase_value as {{ sql_type('double') }}) as value_sum_of_squares
    from count_purchases

),

recommendation_acceptance_rate as (

    -- each decided recommendation is one observation: 1 when accepted
    select
        place_units_in_windows.experiment_id,
        place_units_in_windows.unit_id,
        place_units_in_windows.variant,
        place_units_in_windows.is_control,
        place_units_in_windows.weeks_after_exposure,
        'recommendation_acceptance_rate' as metric,
        count(list_recommendations.created_at) as observations,
        sum(list_recommendations.value) as value_sum,
        sum(list_recommendations.value * list_recommendations.value) as value_sum_of_squares
    from place_units_in_windows
    left join list_recommendations
        on
            place_units_in_windows.unit_id = list_recommendations.customer_id
            and place_units_in_windows.exposed_at <= list_recommendations.created_at
            and place_units_in_windows.window_end_at > list_recommendations.created_at
    group by 1, 2, 3, 4, 5

),

own_metrics as (

    select * from conversion_rate
    union all
    select * from revenue_per_customer
    union all
    select * from recommendation_acceptance_rate

),

keep_metrics_read as (

    -- the experiment-specific metrics only for the experiments that read them
    select own_metrics.*
    from own_metrics
    inner join metrics
        on
            own_metrics.experiment_id = metrics.experiment_id
            and own_metrics.metric = metrics.metric
            and metrics.kpi_id is null

),

final as (

    select
        cast(experiment_id as {{ sql_type('varchar') }}) as experiment_id,
        cast(unit_id as {{ sql_type('varchar') }}) as unit_id,
        cast(metric as {{ sql_type('varchar') }}) as metric,
        cast(variant as {{ sql_type('varchar') }}) as variant,
        cast(weeks_after_exposure as integer) as weeks_after_exposure,
        cast(observations as bigint) as observations,
        cast(value_sum as {{ sql_type('double') }}) as value_sum,
        cast(value_sum_of_squares as {{ sql_type('double') }}) as value_sum_of_squares,
        cast(is_control as boolean) as is_control
    from governed_kpis
    union all
    select
        cast(experiment_id as {{ sql_type('varchar') }}) as experiment_id,
        cast(unit_id as {{ sql_type('varchar') }}) as unit_id,
        cast(metric as {{ sql_type('varchar') }}) as metric,
        cast(variant as {{ sql_type('varchar') }}) as variant,
        cast(weeks_after_exposure as integer) as weeks_after_exposure,
        cast(observations as bigint) as observations,
        cast(value_sum as {{ sql_type('double') }}) as value_sum,
        cast(value_sum_of_squares as {{ sql_type('double') }}) as value_sum_of_squares,
        cast(is_control as boolean) as is_control
    from keep_metrics_read

)

select * from final
