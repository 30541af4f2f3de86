-- One row per conversion x touchpoint in its look-back window x attribution model: the touch's
-- share of the conversion and its credit in USD. Each model's weights are one CTE; every model
-- gives each conversion shares that sum to 1, so credits sum to the conversion's value. A
-- conversion without a touch in its window has one row per model (no touchpoint, 'unattributed')
-- holding the whole value. `model` is the contract's column name (issue 5) though sqlfluff
-- counts it a keyword: its aliases carry noqa RF04.
{%- if var('attribution_half_life_days') is not number or var('attribution_half_life_days') <= 0 %}
    {{ exceptions.raise_compiler_error('attribution_half_life_days must be a number of days above 0') }}
{%- endif %}
with

conversion_touches as (

    select * from {{ ref('int_conversion_touches') }}

),

weigh_first_touch as (

    select
        conversion_id,
        touch_id,
        'first_touch' as model,  -- noqa: RF04
        case when touch_count = 0 or touch_position = 1 then 1.0 else 0.0 end as credit_share
    from conversion_touches

),

weigh_last_touch as (

    select
        conversion_id,
        touch_id,
        'last_touch' as model,  -- noqa: RF04
        case when touch_count = 0 or touch_position = touch_count then 1.0 else 0.0 end as credit_share
    from conversion_touches

),

weigh_linear as (

    select
        conversion_id,
        touch_id,
        'linear' as model,  -- noqa: RF04
        1.0 / greatest(touch_count, 1) as credit_share
    from conversion_touches

),

weigh_position_based as (

    -- 40% to the first touch, 40% to the last, 20% split evenly between the touches in between;
    -- one touch takes 100%, two touches take 50% each (there is no middle to give 20% to)
    select
        conversion_id,
        touch_id,
        'position_based' as model,  -- noqa: RF04
        case
            when touch_count <= 1 then 1.0
            when touch_count = 2 then 0.5
            when touch_position = 1 or touch_position = touch_count then 0.4
            else 0.2 / (touch_count - 2)
        end as credit_share
    from conversion_touches

),

decay_touches as (

    -- 2^(-days_before / half-life), taken relative to the conversion's latest touch (its weight
    -- is 1): the same shares once normalised, and a sum that never underflows to zero
    select
        conversion_id,
        touch_id,
        touch_count,
        power(
            cast(2 as double),
            -(
                days_before_conversion
                - min(days_before_conversion) over (partition by conversion_id)
            ) / cast({{ var('attribution_half_life_days') }} as double)
        ) as decay_weight
    from conversion_touches

),

weigh_time_decay as (

    select
        conversion_id,
        touch_id,
        'time_decay' as model,  -- noqa: RF04
        case
            when touch_count = 0 then 1.0
            else decay_weight / sum(decay_weight) over (partition by conversion_id)
        end as credit_share
    from decay_touches

),

union_models as (

    select * from weigh_first_touch
    union all
    select * from weigh_last_touch
    union all
    select * from weigh_linear
    union all
    select * from weigh_position_based
    union all
    select * from weigh_time_decay

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
        coalesce(customer_id, '_unknown') as customer_id,
        coalesce(channel, 'unattributed') as channel,
        coalesce(touch_type, 'unattributed') as touch_type,
        coalesce(touch_group, 'unattributed') as touch_group,
        coalesce(is_trust_building, false) as is_trust_building,
        coalesce(is_ai_touchpoint, false) as is_ai_touchpoint,
        touch_id is null as is_unattributed
    from conversion_touches

),

final as (

    select
        -- ids
        union_models.conversion_id,
        union_models.touch_id as touchpoint_id,
        label_unattributed.customer_id,

        -- strings
        union_models.model,
        label_unattributed.conversion_type,
        label_unattributed.channel,
        label_unattributed.campaign,
        label_unattributed.touch_type,
        label_unattributed.touch_group,

        -- numerics
        union_models.credit_share,
        label_unattributed.conversion_value,
        label_unattributed.touch_position,
        label_unattributed.touch_count,
        label_unattributed.days_before_conversion,

        -- booleans
        label_unattributed.is_trust_building,
        label_unattributed.is_ai_touchpoint,
        label_unattributed.is_unattributed,
        label_unattributed.is_lookback_complete,

        -- timestamps
        label_unattributed.converted_at,
        label_unattributed.touched_at,

        -- computed last (sqlfluff ST06)
        label_unattributed.conversion_value * union_models.credit_share as credit

    from union_models
    inner join label_unattributed
        on
            union_models.conversion_id = label_unattributed.conversion_id
            -- a conversion without a touch has one row whose touch_id is null on both sides
            and union_models.touch_id is not distinct from label_unattributed.touch_id

)

select * from final
