with

source as (

    select * from {{ ref('base_touchpoints__touches') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        touch_id,
        customer_id,

        -- strings
        channel,
        campaign,
        touch_type,

        -- booleans
        is_ai_touchpoint,

        -- timestamps
        touched_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
