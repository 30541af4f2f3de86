with

source as (

    select * from {{ ref('base_billing__subscriptions') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        subscription_id,
        customer_id,

        -- strings
        plan,
        status,

        -- numerics
        mrr,

        -- dates
        current_period_end,

        -- timestamps
        started_at,
        cancelled_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
