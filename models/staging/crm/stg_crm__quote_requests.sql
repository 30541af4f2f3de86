with

source as (

    select * from {{ ref('base_crm__quote_requests') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        quote_request_id,
        customer_id,
        opportunity_id,

        -- strings
        outcome,

        -- timestamps
        requested_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
