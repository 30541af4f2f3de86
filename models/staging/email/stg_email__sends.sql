with

source as (

    select * from {{ ref('base_email__sends') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        send_id,
        customer_id,
        campaign_id,

        -- strings
        recipient_email_hash,
        journey,

        -- booleans
        is_ai_personalised,
        has_reason_line,

        -- timestamps
        sent_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
