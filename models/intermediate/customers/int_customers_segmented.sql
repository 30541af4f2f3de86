-- One row per CRM customer with the attributes every KPI is broken down by (KPI_SPEC section 2):
-- audience, value tier, signup cohort, onboarding journey, and the region and acquisition channel
-- dim_customers describes. A missing attribute reads 'unknown'. Defined here once: the customer
-- models, the customer periods and the KPI observations all take a customer's segments from here.
with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        coalesce(segment, 'unknown') as audience,
        coalesce(value_tier, 'unknown') as value_tier,
        coalesce(region, 'unknown') as region,
        coalesce(acquisition_channel, 'unknown') as acquisition_channel,
        coalesce(onboarding_journey, 'unknown') as onboarding_journey,
        left(cast(cast({{ dbt.date_trunc('month', 'signup_at') }} as date) as {{ sql_type('varchar') }}), 7)
            as signup_cohort,

        -- timestamps
        signup_at

    from customers

)

select * from final
