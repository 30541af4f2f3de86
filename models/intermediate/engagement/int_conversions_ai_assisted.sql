-- One row per conversion (signup, purchase, upgrade) with the AI touchpoints the customer had in
-- the 30 days before it.
with

conversions as (

    select * from {{ ref('stg_touchpoints__conversions') }}

),

touches as (

    select * from {{ ref('stg_touchpoints__touches') }}

),

count_ai_touches as (

    -- an AI touch in [converted_at - 30 days, converted_at]: one at the conversion's own instant
    -- is logged with it and counts
    select
        conversions.conversion_id,
        count(touches.touch_id) as ai_touches_30d,
        max(touches.touched_at) as last_ai_touch_at
    from conversions
    left join touches
        on
            conversions.customer_id = touches.customer_id
            and touches.is_ai_touchpoint
            and conversions.converted_at >= touches.touched_at
            and {{ dbt.dateadd('day', -30, 'conversions.converted_at') }} <= touches.touched_at
    group by 1

),

find_touch_history as (

    select min(touched_at) as touch_history_start
    from touches

),

final as (

    select
        -- ids
        conversions.conversion_id,
        conversions.customer_id,

        -- strings
        conversions.conversion_type,

        -- numerics
        conversions.conversion_value,
        count_ai_touches.ai_touches_30d,

        -- booleans
        count_ai_touches.ai_touches_30d > 0 as has_ai_touch_30d,
        -- the 30-day look-back lies inside the touch history
        conversions.converted_at >= {{ dbt.dateadd('day', 30, 'find_touch_history.touch_history_start') }}
            as is_lookback_complete,

        -- timestamps
        conversions.converted_at,
        count_ai_touches.last_ai_touch_at

    from conversions
    cross join find_touch_history
    inner join count_ai_touches
        on conversions.conversion_id = count_ai_touches.conversion_id

)

select * from final
