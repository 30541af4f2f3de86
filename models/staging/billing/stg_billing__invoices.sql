with

source as (

    select * from {{ ref('base_billing__invoices') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        invoice_id,
        subscription_id,
        customer_id,

        -- strings
        currency,
        status,

        -- numerics
        amount,

        -- dates
        period_start,
        period_end,

        -- timestamps
        issued_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
