-- One row per conversion x touchpoint in its look-back window x attribution model: the touch's
-- share of the conversion and its credit in USD. Every model gives each conversion shares that sum
-- to 1, so credits sum to the conversion's value. A conversion without a touch in its window has
-- one row per model (no touchpoint, 'unattributed') holding the whole value. `model` is the
-- contract's column name (issue 5) though sqlfluff counts it a keyword: its aliases carry noqa RF04.
--
-- Sized for large builds: each touch's five shares are worked out side by side on its one row of
-- int_conversion_touches (the per-conversion figures of time decay come from two group-bys joined
-- back on conversion_id), and only then is the row repeated once per model. No union of the
-- models, no window, no join back on touch_id.
{%- if var('attribution_half_life_days') is not number or var('attribution_half_life_days') <= 0 %}
    {{ exceptions.raise_compiler_error('attribution_half_life_days must be a number of days above 0') }}
{%- endif %}
with

conversion_touches as (

    select * from {{ ref('int_conversion_touches') }}

),

list_models as (

    select 'first_touch' as model  -- noqa: RF04
    union all
    select 'last_touch'
    union all
    select 'linear'
    union all
    select 'position_based'
    union all
    select 'time_decay'

),

find_latest_touch as (

    -- the latest touch of the window is the nearest to the conversion (fewest days before);
    -- null for a conversion without a touch
    select
        conversion_id,
        min(days_before_conversion) as latest_days_before_conversion
    from conversion_touches
    group by 1

),

decay_touches as (

    -- 2^(-days_before / half-life), taken relative to the conversion's latest touch (its weight
    -- is 1): the same shares once normalised, and a sum that never underflows to zero
    select
        conversion_touches.*,
        power(
            cast(2 as {{ sql_type('double') }}),
            -(
                conversion_touches.days_before_conversion
                - find_latest_touch.latest_days_before_conversion
            ) / cast({{ var('attribution_half_life_days') }} as {{ sql_type('double') }})
        ) as decay_weight
    from conversion_touches
    inner join find_latest_touch
        on conversion_touches.conversion_id = find_latest_touch.conversion_id

),

sum_decay_weights as (

    select
        conversion_id,
        sum(decay_weight) as decay_weight_total
    from decay_touches
    group by 1

),

weigh_touches as (

    -- each model's share of the touch, one column per model; a conversion without a touch
    -- (touch_count 0) gives its one row a share of 1 under every model
    select
        decay_touches.*,
        case
            when decay_touches.touch_count = 0 or decay_touches.touch_position = 1 then 1.0
            else 0.0
        end as first_touch_share,
        case
            when
                decay_touches.touch_count = 0
                or decay_touches.touch_position = decay_touches.touch_count
                then 1.0
            else 0.0
        end as last_touch_share,
        1.0 / greatest(decay_touches.touch_count, 1) as linear_share,
        -- 40% to the first touch, 40% to the last, 20% split evenly between the touches in
        -- between; one touch takes 100%, two touches take 50% each (there is no middle to give
        -- 20% to)
        case
            when decay_touches.touch_count <= 1 then 1.0
            when decay_touches.touch_count = 2 then 0.5
            when
                decay_touches.touch_position = 1
                or decay_touches.touch_position = decay_touches.touch_count
                then 0.4
            else 0.2 / (decay_touches.touch_count - 2)
        end as position_based_share,
        case
            when decay_touches.touch_count = 0 then 1.0
            else decay_touches.decay_weight / sum_decay_weights.decay_weight_total
        end as time_decay_share
    from decay_touches
    inner join sum_decay_weights
        on decay_touches.conversion_id = sum_decay_weights.conversion_id

),

label_unattributed as (

    -- a conversion without a touch in its window: channel, touch type and group 'unattributed';
    -- a conversion without a customer points to the missing member, as in the other marts
    select
        conversion_id,
        touch_id,
        conversion_type,
        campaign,
        conversion_value,
        touch_position,
        touch_count,
        days_before_conversion,
        is_lookback_complete,
        converted_at,
        touched_at,
        first_touch_share,
        last_touch_share,
        linear_share,
        position_based_share,
        time_decay_share,
        coalesce(customer_id, '_unknown') as customer_id,
        coalesce(channel, 'unattributed') as channel,
        coalesce(touch_type, 'unattributed') as touch_type,
        coalesce(touch_group, 'unattributed') as touch_group,
        coalesce(is_trust_building, false) as is_trust_building,
        coalesce(is_ai_touchpoint, false) as is_ai_touchpoint,
        touch_id is null as is_unattributed
    from weigh_touches

),

spread_over_models as (

    -- the touch's row once per model, with that model's share
    select
        label_unattributed.*,
        list_models.model,
        case list_models.model
            when 'first_touch' then label_unattributed.first_touch_share
            when 'last_touch' then label_unattributed.last_touch_share
            when 'linear' then label_unattributed.linear_share
            when 'position_based' then label_unattributed.position_based_share
            when 'time_decay' then label_unattributed.time_decay_share
        end as credit_share
    from label_unattributed
    cross join list_models

),

final as (

    select
        -- ids
        conversion_id,
        touch_id as touchpoint_id,
        customer_id,

        -- strings
        model,
        conversion_type,
        channel,
        campaign,
        touch_type,
        touch_group,

        -- numerics
        credit_share,
        conversion_value,
        touch_position,
        touch_count,
        days_before_conversion,

        -- booleans
        is_trust_building,
        is_ai_touchpoint,
        is_unattributed,
        is_lookback_complete,

        -- timestamps
        converted_at,
        touched_at,

        -- computed last (sqlfluff ST06)
        conversion_value * credit_share as credit

    from spread_over_models

)

select * from final
