with

source as (

    select * from {{ ref('base_crm__opportunities') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        opportunity_id,
        lead_id,
        customer_id,

        -- strings
        stage,

        -- numerics
        amount,

        -- timestamps
        created_at,
        closed_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
