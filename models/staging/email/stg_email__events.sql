with

source as (

    select * from {{ ref('base_email__events') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        event_id,
        send_id,

        -- strings
        event_type,

        -- timestamps
        event_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
