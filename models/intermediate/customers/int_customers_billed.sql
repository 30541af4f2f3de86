-- One row per CRM customer: its attributes (int_customers_segmented) with the billing
-- milestones (activation, first billed
-- month, current churn) that dim_customers, the lifecycle stages and onboarding build on.
with

customers as (

    select * from {{ ref('int_customers_segmented') }}

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
        customers.audience,
        customers.value_tier,
        customers.region,
        customers.acquisition_channel,
        customers.onboarding_journey,
        customers.signup_cohort,

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
