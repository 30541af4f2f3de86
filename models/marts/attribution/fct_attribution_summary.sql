-- One row per grain x period x dimension (channel, touch type, touch group) x value x attribution
-- model: the credit it earns, its share of the period's conversion value, and the same under last
-- touch beside it, so each multi-touch model reads as a shift away from (or towards) last touch.
--
-- Sized for large builds: the credits are read once. The first group by (grouping sets, one per
-- dimension) brings them to one row per model x conversion x dimension value; the second adds those
-- up per month, counting conversions with count(*) instead of count(distinct). A conversion falls
-- in one month, so the quarters and all time are sums of months, rolled up from the few month rows.
-- The comparison with last touch is taken over the summary rows as well.
with

credits as (

    select * from {{ ref('attribution_credits') }}

),

assign_months as (

    -- periods of the conversion's instant (UTC), as in kpi_scorecard
    select
        model,
        conversion_id,
        touchpoint_id,
        channel,
        touch_type,
        touch_group,
        credit,
        cast({{ dbt.date_trunc('month', 'converted_at') }} as date) as month_start
    from credits

),

sum_conversion_values as (

    -- one row per model x conversion x dimension x value
    select
        model,
        conversion_id,
        month_start,
        case
            when grouping(channel) = 0 then 'channel'
            when grouping(touch_type) = 0 then 'touch_type'
            else 'touch_group'
        end as dimension,
        case
            when grouping(channel) = 0 then channel
            when grouping(touch_type) = 0 then touch_type
            else touch_group
        end as dimension_value,
        count(touchpoint_id) as touches,
        sum(credit) as credit
    from assign_months
    -- GROUPING SETS is ANSI (PostgreSQL, Spark, DuckDB), but sqlfluff's duckdb dialect cannot parse
    -- it yet (its ansi, postgres and sparksql dialects can): hence the noqa
    group by grouping sets (  -- noqa: PRS, AM06
        (model, conversion_id, month_start, channel),
        (model, conversion_id, month_start, touch_type),
        (model, conversion_id, month_start, touch_group)
    )

),

sum_months as (

    select
        model,
        month_start,
        dimension,
        dimension_value,
        count(*) as conversions,
        sum(touches) as touches,
        sum(credit) as credit
    from sum_conversion_values
    group by 1, 2, 3, 4

),

assign_quarters as (

    -- on the few month rows, not on every credit
    select
        *,
        cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) as quarter_start
    from sum_months

),

roll_up_periods as (

    -- the month, the quarter and 'all' (every conversion), from the month rows
    select
        dimension,
        dimension_value,
        model,
        case
            when grouping(month_start) = 0 then 'month'
            when grouping(quarter_start) = 0 then 'quarter'
            else 'all'
        end as grain,
        case
            when grouping(month_start) = 0 then month_start
            when grouping(quarter_start) = 0 then quarter_start
        end as period_start,
        sum(conversions) as conversions,
        sum(touches) as touches,
        sum(credit) as credit
    from assign_quarters
    -- grouping sets, and the noqa, as in sum_conversion_values
    group by grouping sets (  -- noqa: PRS, AM06
        (dimension, dimension_value, model, quarter_start, month_start),
        (dimension, dimension_value, model, quarter_start),
        (dimension, dimension_value, model)
    )

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
    from roll_up_periods

),

final as (

    select
        -- strings
        grain,
        dimension,
        dimension_value,
        model,

        -- numerics (sums of counts, cast back to the contract's bigint)
        cast(conversions as bigint) as conversions,
        cast(touches as bigint) as touches,
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
