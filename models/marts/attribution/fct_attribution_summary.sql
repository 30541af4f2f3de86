-- One row per grain x period x dimension (channel, touch type, touch group) x value x attribution
-- model: the credit it earns, its share of the period's conversion value, and the same under last
-- touch beside it, so each multi-touch model reads as a shift away from (or towards) last touch.
with

credits as (

    select * from {{ ref('attribution_credits') }}

),

stack_dimensions as (

    select
        model,
        conversion_id,
        touchpoint_id,
        converted_at,
        credit,
        'channel' as dimension,
        channel as dimension_value
    from credits

    union all

    select
        model,
        conversion_id,
        touchpoint_id,
        converted_at,
        credit,
        'touch_type' as dimension,
        touch_type as dimension_value
    from credits

    union all

    select
        model,
        conversion_id,
        touchpoint_id,
        converted_at,
        credit,
        'touch_group' as dimension,
        touch_group as dimension_value
    from credits

),

assign_periods as (

    -- periods of the conversion's instant (UTC), as in kpi_scorecard; 'all' covers every conversion
    select
        *,
        'month' as grain,
        cast({{ dbt.date_trunc('month', 'converted_at') }} as date) as period_start
    from stack_dimensions

    union all

    select
        *,
        'quarter' as grain,
        cast({{ dbt.date_trunc('quarter', 'converted_at') }} as date) as period_start
    from stack_dimensions

    union all

    select
        *,
        'all' as grain,
        cast(null as date) as period_start
    from stack_dimensions

),

sum_credits as (

    select
        grain,
        period_start,
        dimension,
        dimension_value,
        model,
        count(distinct conversion_id) as conversions,
        count(touchpoint_id) as touches,
        sum(credit) as credit
    from assign_periods
    group by 1, 2, 3, 4, 5

),

compare_with_last_touch as (

    select
        *,
        -- the values of one dimension share out the period's whole conversion value
        sum(credit) over (partition by grain, period_start, dimension, model) as period_value,
        sum(case when model = 'last_touch' then credit end)
            over (partition by grain, period_start, dimension, dimension_value)
            as last_touch_credit,
        sum(case when model = 'last_touch' then credit end)
            over (partition by grain, period_start, dimension)
            as last_touch_period_value
    from sum_credits

),

final as (

    select
        -- strings
        grain,
        dimension,
        dimension_value,
        model,

        -- numerics
        conversions,
        touches,
        credit,
        period_value,
        last_touch_credit,

        -- dates
        period_start,

        -- computed last (sqlfluff ST06): shares, and the comparison with last touch
        credit / nullif(period_value, 0) as credit_share,
        last_touch_credit / nullif(last_touch_period_value, 0) as last_touch_credit_share,
        credit - last_touch_credit as credit_vs_last_touch,
        credit / nullif(period_value, 0)
        - last_touch_credit / nullif(last_touch_period_value, 0) as credit_share_vs_last_touch,
        credit / nullif(last_touch_credit, 0) as credit_ratio_to_last_touch

    from compare_with_last_touch

)

select * from final
