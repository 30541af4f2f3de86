-- One row per customer x billed month: the month's MRR from invoices, the month before, and the
-- movement between them (KPI_SPEC: new -> churn -> reactivation -> expansion -> contraction).
--
-- Linear in the invoices: one aggregate to customer-months, one window over each customer's billed
-- months (the month before, the month after), and a churn row for a billed month whose next month
-- has no invoice. Empty months are never generated, so nothing grows with customers x calendar.
with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

summarise_invoice_months as (

    -- one row per customer and billed month (the month of the invoiced period)
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'period_start') }} as date) as month_start,
        count(*) as invoices_issued,
        -- the month's MRR when it has a single invoice (almost every month)
        coalesce(sum(amount), 0) as single_invoice_mrr,
        min(issued_at) as first_issued_at,
        max(issued_at) as last_issued_at,
        min(case when status = 'open' then issued_at end) as first_open_invoice_issued_at
    from invoices
    where customer_id is not null
    group by 1, 2

),

pick_subscription_months as (

    -- one invoice counts per subscription and billed month: the latest that is not void, or the
    -- latest void one when the month has nothing else (voiding cancels the collection, not the
    -- subscription month). Only months with more than one invoice need the choice; value_at_max
    -- keeps the amount of the top-ranked invoice even when it is null.
    select
        invoices.customer_id,
        summarise_invoice_months.month_start,
        coalesce(invoices.subscription_id, invoices.invoice_id) as subscription_key,
        {{ value_at_max('invoices.amount', [
            "invoices.status <> 'void'", 'invoices.issued_at', 'invoices.invoice_id'
        ]) }} as amount
    from invoices
    inner join summarise_invoice_months
        on
            invoices.customer_id = summarise_invoice_months.customer_id
            and cast({{ dbt.date_trunc('month', 'invoices.period_start') }} as date)
            = summarise_invoice_months.month_start
    where summarise_invoice_months.invoices_issued > 1
    group by 1, 2, 3

),

sum_shared_months as (

    select
        customer_id,
        month_start,
        coalesce(sum(amount), 0) as mrr
    from pick_subscription_months
    group by 1, 2

),

sum_billed_months as (

    select
        summarise_invoice_months.customer_id,
        summarise_invoice_months.month_start,
        summarise_invoice_months.invoices_issued,
        summarise_invoice_months.first_issued_at,
        summarise_invoice_months.last_issued_at,
        summarise_invoice_months.first_open_invoice_issued_at,
        case
            when summarise_invoice_months.invoices_issued = 1 then summarise_invoice_months.single_invoice_mrr
            else sum_shared_months.mrr
        end as mrr
    from summarise_invoice_months
    left join sum_shared_months
        on
            summarise_invoice_months.customer_id = sum_shared_months.customer_id
            and summarise_invoice_months.month_start = sum_shared_months.month_start

),

find_history as (

    -- the billing history the exports cover, month by month
    select
        min(month_start) as history_start,
        max(month_start) as history_end
    from sum_billed_months

),

summarise_subscriptions as (

    select
        subscriptions.customer_id,
        min(subscriptions.cancelled_at) as first_cancelled_at,
        max(
            case
                when
                    subscriptions.started_at < find_history.history_start
                    and coalesce(subscriptions.cancelled_at, cast('9999-12-31' as timestamp))
                    >= find_history.history_start
                    then 1
                else 0
            end
        ) = 1 as is_subscribed_before_history
    from subscriptions
    cross join find_history
    where subscriptions.customer_id is not null
    group by 1

),

compare_billed_months as (

    -- each billed month against the customer's billed month before it: a month without an
    -- invoice in between has MRR 0, so the month before counts only when it is the calendar
    -- month before (one window over the billed months, no calendar of every customer x month)
    select
        customer_id,
        month_start,
        mrr,
        invoices_issued,
        first_issued_at,
        last_issued_at,
        first_open_invoice_issued_at,
        lag(month_start) over customer_months as earlier_billed_month,
        lag(mrr) over customer_months as earlier_billed_mrr,
        lead(month_start) over customer_months as later_billed_month,
        coalesce(
            max(mrr) over (
                customer_months
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) > 0 as was_billed_before
    from sum_billed_months
    window customer_months as (partition by customer_id order by month_start)

),

list_customer_months as (

    -- the billed months; lagged_mrr is null in the customer's first billed month
    select
        compare_billed_months.customer_id,
        compare_billed_months.month_start,
        compare_billed_months.mrr,
        compare_billed_months.invoices_issued,
        compare_billed_months.first_issued_at,
        compare_billed_months.last_issued_at,
        compare_billed_months.first_open_invoice_issued_at,
        compare_billed_months.was_billed_before,
        case
            when compare_billed_months.earlier_billed_month is null then null
            when
                compare_billed_months.earlier_billed_month
                = cast({{ dbt.dateadd('month', -1, 'compare_billed_months.month_start') }} as date)
                then compare_billed_months.earlier_billed_mrr
            else 0
        end as lagged_mrr
    from compare_billed_months

    union all

    -- the month after a billed month with MRR, when it has no invoice (up to the end of the
    -- history): MRR 0, the churn month
    select
        compare_billed_months.customer_id,
        cast({{ dbt.dateadd('month', 1, 'compare_billed_months.month_start') }} as date) as month_start,
        0 as mrr,
        0 as invoices_issued,
        cast(null as timestamp) as first_issued_at,
        cast(null as timestamp) as last_issued_at,
        cast(null as timestamp) as first_open_invoice_issued_at,
        true as was_billed_before,
        compare_billed_months.mrr as lagged_mrr
    from compare_billed_months
    cross join find_history
    where
        compare_billed_months.mrr > 0
        and compare_billed_months.month_start < find_history.history_end
        and coalesce(
            compare_billed_months.later_billed_month
            <> cast({{ dbt.dateadd('month', 1, 'compare_billed_months.month_start') }} as date),
            true
        )

),

flag_opening_balances as (

    select
        list_customer_months.*,
        -- the first month of the history has no month before it: customers already subscribed
        -- open at their first billed MRR (an opening balance, movement flat)
        list_customer_months.month_start = find_history.history_start
        and coalesce(summarise_subscriptions.is_subscribed_before_history, false) as is_opening_balance,
        coalesce(summarise_subscriptions.first_cancelled_at < list_customer_months.month_start, false)
            as has_cancelled_before
    from list_customer_months
    cross join find_history
    left join summarise_subscriptions
        on list_customer_months.customer_id = summarise_subscriptions.customer_id

),

set_previous_mrr as (

    select
        *,
        case
            when lagged_mrr is not null then lagged_mrr
            when is_opening_balance then mrr
            else 0
        end as previous_mrr
    from flag_opening_balances

),

classify_movements as (

    select
        *,
        mrr - previous_mrr as mrr_change,
        case
            when previous_mrr = 0 and mrr > 0 and not was_billed_before and not has_cancelled_before then 'new'
            when previous_mrr > 0 and mrr = 0 then 'churn'
            when previous_mrr = 0 and mrr > 0 then 'reactivation'
            when mrr > previous_mrr then 'expansion'
            when mrr < previous_mrr then 'contraction'
            else 'flat'
        end as movement
    from set_previous_mrr

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        movement,

        -- numerics
        mrr,
        previous_mrr,
        mrr_change,

        -- booleans
        is_opening_balance,

        -- dates
        month_start,

        -- timestamps
        first_issued_at,
        last_issued_at,
        first_open_invoice_issued_at,

        -- computed last (sqlfluff ST06)
        coalesce(invoices_issued, 0) as invoices_issued

    from classify_movements
    -- months with no MRR before or after carry no movement
    where mrr > 0 or previous_mrr > 0

)

select * from final
