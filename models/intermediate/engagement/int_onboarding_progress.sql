-- One row per customer: how far onboarding got in the 30 days after signup, and whether step 5
-- (the last) was completed in them.
with

customers as (

    select * from {{ ref('int_customers_billed') }}

),

usage_events as (

    select * from {{ ref('stg_product__usage_events') }}

),

find_product_history as (

    select
        min(event_at) as product_history_start,
        max(event_at) as product_history_end
    from usage_events

),

summarise_steps as (

    -- steps completed from signup to 30 days after it, both ends included
    select
        customers.customer_id,
        max(usage_events.step_number) as highest_step_30d,
        min(case when usage_events.step_number = 5 then usage_events.event_at end) as completed_step_5_at
    from customers
    inner join usage_events
        on
            customers.customer_id = usage_events.customer_id
            and usage_events.event_type = 'onboarding_step_completed'
            and customers.signup_at <= usage_events.event_at
            and {{ dbt.dateadd('day', 30, 'customers.signup_at') }} >= usage_events.event_at
    group by 1

),

final as (

    select
        -- ids
        customers.customer_id,

        -- strings
        customers.acquisition_channel,

        -- numerics
        coalesce(summarise_steps.highest_step_30d, 0) as highest_step_30d,

        -- booleans
        summarise_steps.completed_step_5_at is not null as completed_within_30d,
        -- onboarding is observable when the product history covers the whole 30 days
        customers.signup_at >= find_product_history.product_history_start
        and {{ dbt.dateadd('day', 30, 'customers.signup_at') }} <= find_product_history.product_history_end
            as is_window_observed,

        -- timestamps
        customers.signup_at,
        summarise_steps.completed_step_5_at

    from customers
    cross join find_product_history
    left join summarise_steps
        on customers.customer_id = summarise_steps.customer_id

)

select * from final
