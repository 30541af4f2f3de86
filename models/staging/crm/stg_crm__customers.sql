with

source as (

    select * from {{ ref('base_crm__customers') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        customer_id,

        -- strings
        email_hash,
        full_name_hash,
        phone_hash,
        segment,
        value_tier,
        lifecycle_stage,
        region,
        acquisition_channel,
        onboarding_journey,

        -- timestamps
        signup_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
