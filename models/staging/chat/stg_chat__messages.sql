with

source as (

    select * from {{ ref('base_chat__messages') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        message_id,
        conversation_id,

        -- strings
        sender_type,
        body as message_body,

        -- timestamps
        sent_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
