with

source as (

    select * from {{ ref('base_web_analytics__events') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        event_id,
        session_id,

        -- strings
        event_type,
        page,

        -- timestamps
        event_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
