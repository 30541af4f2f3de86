-- One row per customer, plus the missing member `_unknown` that facts point to when they have no
-- known customer, so no fact dangles.
with

customers as (

    select * from {{ ref('int_customers_billed') }}

),

add_missing_member as (

    select
        customer_id,
        audience,
        value_tier,
        region,
        acquisition_channel,
        onboarding_journey,
        signup_at,
        signup_cohort,
        first_invoice_month,
        churned_at,
        is_active_at_end,
        false as is_missing_member
    from customers

    union all

    select
        '_unknown' as customer_id,
        'unknown' as audience,
        'unknown' as value_tier,
        'unknown' as region,
        'unknown' as acquisition_channel,
        'unknown' as onboarding_journey,
        cast(null as timestamp) as signup_at,
        'unknown' as signup_cohort,
        cast(null as date) as first_invoice_month,
        cast(null as timestamp) as churned_at,
        false as is_active_at_end,
        true as is_missing_member

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        audience,
        value_tier,
        region,
        acquisition_channel,
        onboarding_journey,
        signup_cohort,

        -- dates
        first_invoice_month,

        -- timestamps
        signup_at,
        churned_at,

        -- booleans
        is_active_at_end,
        is_missing_member

    from add_missing_member

)

select * from final
