-- One row per customer x status change read from billing: the first subscription and the first
-- invoice (activation), churns, reactivations, MRR contractions and open (past-due) invoices.
with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

months_billed as (

    select * from {{ ref('int_customer_months_billed') }}

),

find_first_subscriptions as (

    select
        customer_id,
        'subscribed' as change_type,
        cast(null as date) as billed_month,
        min(started_at) as changed_at
    from subscriptions
    where customer_id is not null
    group by 1, 2, 3

),

find_first_billed_months as (

    select
        customer_id,
        min(month_start) as first_billed_month
    from months_billed
    where invoices_issued > 0
    group by 1

),

find_first_invoices as (

    select
        months_billed.customer_id,
        'first_invoiced' as change_type,
        months_billed.first_issued_at as changed_at,
        months_billed.month_start as billed_month
    from months_billed
    inner join find_first_billed_months
        on
            months_billed.customer_id = find_first_billed_months.customer_id
            and months_billed.month_start = find_first_billed_months.first_billed_month

),

find_churns as (

    -- a cancellation that leaves the customer without any running subscription (a plan switch
    -- that starts the next subscription at or before the cancellation is not a churn). A hash join
    -- on customer_id (a few subscriptions each); the open end is a far-future timestamp, because
    -- an `or ... is null` in the condition turns the join into a nested loop over all pairs.
    select distinct
        cancelled.customer_id,
        'churned' as change_type,
        cancelled.cancelled_at as changed_at,
        cast(null as date) as billed_month
    from subscriptions as cancelled
    left join subscriptions as running
        on
            cancelled.customer_id = running.customer_id
            and cancelled.subscription_id <> running.subscription_id
            and cancelled.cancelled_at >= running.started_at
            and cancelled.cancelled_at < coalesce(running.cancelled_at, cast('9999-12-31' as timestamp))
    where
        cancelled.customer_id is not null
        and cancelled.cancelled_at is not null
        and running.subscription_id is null

),

order_churns as (

    select
        customer_id,
        changed_at as churned_at,
        lead(changed_at) over (partition by customer_id order by changed_at) as next_churned_at
    from find_churns

),

list_invoices_after_churns as (

    -- the first invoice a billed month issued after the churn
    select
        order_churns.customer_id,
        order_churns.churned_at,
        order_churns.next_churned_at,
        months_billed.month_start,
        case
            when months_billed.first_issued_at > order_churns.churned_at then months_billed.first_issued_at
            else months_billed.last_issued_at
        end as issued_at
    from order_churns
    inner join months_billed
        on
            order_churns.customer_id = months_billed.customer_id
            and order_churns.churned_at < months_billed.last_issued_at

),

find_reactivations as (

    -- the first invoice after a churn (and before the next one) brings the customer back
    select
        customer_id,
        churned_at,
        min(issued_at) as changed_at,
        min(month_start) as billed_month
    from list_invoices_after_churns
    where next_churned_at is null or issued_at < next_churned_at
    group by 1, 2

),

find_contractions as (

    -- MRR in force drops at the start of the billed month
    select
        customer_id,
        'contracted' as change_type,
        cast(month_start as timestamp) as changed_at,
        month_start as billed_month
    from months_billed
    where movement = 'contraction'

),

find_open_invoices as (

    select
        customer_id,
        'past_due' as change_type,
        first_open_invoice_issued_at as changed_at,
        month_start as billed_month
    from months_billed
    where first_open_invoice_issued_at is not null

),

final as (

    select
        customer_id,
        change_type,
        changed_at,
        billed_month
    from find_first_subscriptions
    union all
    select
        customer_id,
        change_type,
        changed_at,
        billed_month
    from find_first_invoices
    union all
    select
        customer_id,
        change_type,
        changed_at,
        billed_month
    from find_churns
    union all
    select
        customer_id,
        'reactivated' as change_type,
        changed_at,
        billed_month
    from find_reactivations
    union all
    select
        customer_id,
        change_type,
        changed_at,
        billed_month
    from find_contractions
    union all
    select
        customer_id,
        change_type,
        changed_at,
        billed_month
    from find_open_invoices

)

select * from final
