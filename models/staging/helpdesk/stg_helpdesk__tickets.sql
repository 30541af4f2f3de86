with

source as (

    select * from {{ ref('base_helpdesk__tickets') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        ticket_id,
        customer_id,
        conversation_id,

        -- strings
        requester_email_hash,
        channel,
        priority,
        intent,
        subject,

        -- timestamps
        created_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
