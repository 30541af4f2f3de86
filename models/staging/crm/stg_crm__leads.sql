with

source as (

    select * from {{ ref('base_crm__leads') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        lead_id,
        customer_id,

        -- strings
        email_hash,
        source_channel,
        status,

        -- timestamps
        created_at,
        converted_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
