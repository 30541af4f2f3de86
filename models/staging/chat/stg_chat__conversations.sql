with

source as (

    select * from {{ ref('base_chat__conversations') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        conversation_id,
        customer_id,

        -- strings
        channel,
        intent,
        journey_type,

        -- numerics
        ai_turns,
        human_turns,

        -- booleans
        handed_off,
        customer_repeated,
        resolved,

        -- timestamps
        started_at,
        ended_at,
        handoff_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
