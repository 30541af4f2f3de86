with

source as (

    select * from {{ ref('base_product__usage_events') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        event_id,
        customer_id,

        -- strings
        event_type,
        feature,

        -- numerics
        step_number,

        -- timestamps
        event_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
