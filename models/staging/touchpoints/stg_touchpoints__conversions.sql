with

source as (

    select * from {{ ref('base_touchpoints__conversions') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        conversion_id,
        customer_id,

        -- strings
        conversion_type,

        -- numerics
        value as conversion_value,

        -- timestamps
        converted_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
