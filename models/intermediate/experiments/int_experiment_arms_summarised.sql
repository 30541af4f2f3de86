-- One row per experiment x variant x metric x read window: the arm's units and the metric's value
-- and variance over them, the inputs of the comparison with control (int_experiment_arms_tested).
-- Every configured variant has its rows, with 0 units when nobody reached the window yet.
with

allocations as (

    select * from {{ ref('int_experiment_allocations') }}

),

metrics as (

    select * from {{ ref('int_experiment_metrics_defined') }}

),

metric_units as (

    select * from {{ ref('int_experiment_metric_units') }}

),

list_read_windows as (

    {{ experiment_read_windows() }}

),

sum_arms as (

    select
        experiment_id,
        variant,
        metric,
        weeks_after_exposure,
        count(*) as assigned_units,
        sum(observations) as units,
        sum(value_sum) as value_total,
        sum(value_sum_of_squares) as value_total_of_squares
    from metric_units
    group by 1, 2, 3, 4

),

list_arms as (

    -- every variant x metric x read window of the experiment
    select
        allocations.experiment_id,
        allocations.variant,
        allocations.is_control,
        metrics.metric,
        metrics.kpi_id,
        metrics.role,
        metrics.metric_family,
        metrics.metric_kind,
        metrics.direction,
        metrics.is_primary,
        metrics.is_guardrail,
        list_read_windows.weeks_after_exposure
    from allocations
    inner join metrics
        on allocations.experiment_id = metrics.experiment_id
    cross join list_read_windows

),

summarise_arms as (

    select
        list_arms.*,
        sum_arms.value_total,
        sum_arms.value_total_of_squares,
        coalesce(sum_arms.assigned_units, 0) as assigned_units,
        coalesce(sum_arms.units, 0) as units
    from list_arms
    left join sum_arms
        on
            list_arms.experiment_id = sum_arms.experiment_id
            and list_arms.variant = sum_arms.variant
            and list_arms.metric = sum_arms.metric
            and list_arms.weeks_after_exposure = sum_arms.weeks_after_exposure

),

final as (

    select
        -- ids
        experiment_id,
        variant,
        metric,
        kpi_id,

        -- strings
        role,
        metric_family,
        metric_kind,
        direction,

        -- booleans
        is_control,
        is_primary,
        is_guardrail,

        -- computed (after the plain columns, sqlfluff ST06)
        cast(weeks_after_exposure as integer) as weeks_after_exposure,
        cast(assigned_units as bigint) as assigned_units,
        cast(units as bigint) as units,
        -- a rate's value is its share of 1s; a mean's, the mean per observation
        case when units > 0 then value_total / units end as value,
        -- sample variance (n - 1) of the observations; the z-test of a rate uses p (1 - p) instead
        case
            when units > 1
                then greatest(
                    (value_total_of_squares - value_total * value_total / units) / (units - 1), 0.0
                )
        end as variance,
        -- the minimum-sample guard (KPI_SPEC section 5): below it the arm is not tested
        units >= {{ var('min_sample_size') }} as has_min_sample

    from summarise_arms

)

select * from final
