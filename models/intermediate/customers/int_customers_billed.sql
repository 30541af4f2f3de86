-- One row per CRM customer: its attributes with the billing milestones (activation, first billed
-- month, current churn) that dim_customers, the lifecycle stages and onboarding build on.
with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

status_changes as (

    select * from {{ ref('int_customer_status_changes') }}

),

summarise_status_changes as (

    select
        customer_id,
        min(case when change_type in ('subscribed', 'first_invoiced') then changed_at end) as activated_at,
        min(case when change_type = 'first_invoiced' then billed_month end) as first_invoice_month,
        max(case when change_type = 'churned' then changed_at end) as last_churned_at,
        max(case when change_type = 'reactivated' then changed_at end) as last_reactivated_at
    from status_changes
    group by 1

),

final as (

    select
        -- ids
        customers.customer_id,

        -- strings
        coalesce(customers.segment, 'unknown') as audience,
        coalesce(customers.value_tier, 'unknown') as value_tier,
        coalesce(customers.region, 'unknown') as region,
        coalesce(customers.acquisition_channel, 'unknown') as acquisition_channel,
        coalesce(customers.onboarding_journey, 'unknown') as onboarding_journey,
        left(cast(cast({{ dbt.date_trunc('month', 'customers.signup_at') }} as date) as varchar), 7)
            as signup_cohort,

        -- dates
        summarise_status_changes.first_invoice_month,

        -- timestamps
        customers.signup_at,
        summarise_status_changes.activated_at,
        -- churned now: the last churn has no reactivation invoice after it
        case
            when
                summarise_status_changes.last_reactivated_at is null
                or summarise_status_changes.last_reactivated_at < summarise_status_changes.last_churned_at
                then summarise_status_changes.last_churned_at
        end as churned_at,

        -- booleans
        summarise_status_changes.activated_at is not null
        and (
            summarise_status_changes.last_churned_at is null
            or coalesce(
                summarise_status_changes.last_reactivated_at > summarise_status_changes.last_churned_at, false
            )
        ) as is_active_at_end

    from customers
    left join summarise_status_changes
        on customers.customer_id = summarise_status_changes.customer_id

)

select * from final
