-- One row per conversion x touch of the same customer in the look-back window before it, ranked in
-- time; a conversion without a touch in its window keeps one row whose touch columns are null.
{%- if var('attribution_lookback_days') is not number or var('attribution_lookback_days') < 0 %}
    {{ exceptions.raise_compiler_error('attribution_lookback_days must be a number of days, 0 or more') }}
{%- endif %}
with

conversions as (

    select * from {{ ref('stg_touchpoints__conversions') }}

),

touches as (

    select * from {{ ref('stg_touchpoints__touches') }}

),

touch_types as (

    select * from {{ ref('touch_types') }}

),

find_touch_history as (

    select min(touched_at) as touch_history_start
    from touches

),

match_touches_in_window as (

    -- a touch in [converted_at - lookback days, converted_at], both ends included; a touch is
    -- matched to every conversion whose window holds it (no conversion consumes it)
    select
        conversions.conversion_id,
        conversions.customer_id,
        conversions.conversion_type,
        conversions.conversion_value,
        conversions.converted_at,
        touches.touch_id,
        touches.channel,
        touches.campaign,
        touches.touch_type,
        touches.is_ai_touchpoint,
        touches.touched_at
    from conversions
    left join touches
        on
            conversions.customer_id = touches.customer_id
            and conversions.converted_at >= touches.touched_at
            and {{ dbt.dateadd('day', -var('attribution_lookback_days'), 'conversions.converted_at') }}
            <= touches.touched_at

),

rank_touches as (

    -- one window pass: the position and the count share the same partition and order (one sort)
    select
        *,
        -- position in time, 1 = first; touches at the same instant are ordered by touch_id
        case
            when touch_id is not null
                then row_number() over (partition by conversion_id order by touched_at, touch_id)
        end as touch_position,
        count(touch_id) over (
            partition by conversion_id order by touched_at, touch_id
            rows between unbounded preceding and unbounded following
        ) as touch_count,
        cast(
            {{ dbt.datediff('touched_at', 'converted_at', 'microsecond') | trim }} as {{ sql_type('double') }}
        ) / 86400000000.0 as days_before_conversion
    from match_touches_in_window

),

final as (

    select
        -- ids
        rank_touches.conversion_id,
        rank_touches.touch_id,
        rank_touches.customer_id,

        -- strings
        rank_touches.conversion_type,
        rank_touches.channel,
        rank_touches.campaign,
        rank_touches.touch_type,
        touch_types.touch_group,

        -- numerics
        rank_touches.conversion_value,
        cast(rank_touches.touch_position as integer) as touch_position,
        cast(rank_touches.touch_count as integer) as touch_count,
        rank_touches.days_before_conversion,

        -- booleans
        rank_touches.is_ai_touchpoint,
        touch_types.is_trust_building,
        -- the whole window lies inside the touch history, so a missing touch means there was none
        rank_touches.converted_at
        >= {{ dbt.dateadd('day', var('attribution_lookback_days'), 'find_touch_history.touch_history_start') }}
            as is_lookback_complete,

        -- timestamps
        rank_touches.converted_at,
        rank_touches.touched_at

    from rank_touches
    cross join find_touch_history
    left join touch_types
        on rank_touches.touch_type = touch_types.touch_type

)

select * from final
