-- One row per customer x billed month: the month's MRR from invoices, the month before, and the
-- movement between them (KPI_SPEC: new -> churn -> reactivation -> expansion -> contraction).
with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

rank_invoices as (

    -- one invoice counts per subscription and billed month: the latest that is not void, or the
    -- latest void one when the month has nothing else (voiding cancels the collection, not the
    -- subscription month)
    select
        customer_id,
        status,
        amount,
        issued_at,
        cast({{ dbt.date_trunc('month', 'period_start') }} as date) as month_start,
        row_number() over (
            partition by
                customer_id,
                coalesce(subscription_id, invoice_id),
                {{ dbt.date_trunc('month', 'period_start') }}
            order by case when status = 'void' then 1 else 0 end, issued_at desc, invoice_id desc
        ) as invoice_rank
    from invoices
    where customer_id is not null

),

sum_billed_months as (

    select
        customer_id,
        month_start,
        coalesce(sum(case when invoice_rank = 1 then amount end), 0) as mrr,
        count(*) as invoices_issued,
        min(issued_at) as first_issued_at,
        max(issued_at) as last_issued_at,
        min(case when status = 'open' then issued_at end) as first_open_invoice_issued_at
    from rank_invoices
    group by 1, 2

),

find_history as (

    -- the billing history the exports cover, month by month
    select
        min(month_start) as history_start,
        max(month_start) as history_end
    from sum_billed_months

),

list_months as (

    select
        cast({{ dbt.dateadd('month', 'series.generated_number - 1', 'find_history.history_start') }} as date)
            as month_start
    from ({{ dbt.generate_series(1200) }}) as series
    cross join find_history
    where
        {{ dbt.dateadd('month', 'series.generated_number - 1', 'find_history.history_start') }}
        <= find_history.history_end

),

summarise_subscriptions as (

    select
        subscriptions.customer_id,
        min(subscriptions.cancelled_at) as first_cancelled_at,
        max(
            case
                when
                    subscriptions.started_at < find_history.history_start
                    and (
                        subscriptions.cancelled_at is null
                        or subscriptions.cancelled_at >= find_history.history_start
                    )
                    then 1
                else 0
            end
        ) = 1 as is_subscribed_before_history
    from subscriptions
    cross join find_history
    where subscriptions.customer_id is not null
    group by 1

),

span_customer_months as (

    -- every month from the customer's first billed month to the end of the history, so a month
    -- without an invoice shows as MRR 0 (churn) and a later invoice as a reactivation
    select
        first_months.customer_id,
        list_months.month_start
    from (
        select
            customer_id,
            min(month_start) as first_billed_month
        from sum_billed_months
        group by 1
    ) as first_months
    inner join list_months
        on first_months.first_billed_month <= list_months.month_start

),

compare_months as (

    select
        span_customer_months.customer_id,
        span_customer_months.month_start,
        sum_billed_months.invoices_issued,
        sum_billed_months.first_issued_at,
        sum_billed_months.last_issued_at,
        sum_billed_months.first_open_invoice_issued_at,
        coalesce(sum_billed_months.mrr, 0) as mrr,
        lag(coalesce(sum_billed_months.mrr, 0)) over (
            partition by span_customer_months.customer_id
            order by span_customer_months.month_start
        ) as lagged_mrr,
        coalesce(
            max(sum_billed_months.mrr) over (
                partition by span_customer_months.customer_id
                order by span_customer_months.month_start
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) > 0 as was_billed_before,
        -- the first month of the history has no month before it: customers already subscribed
        -- open at their first billed MRR (an opening balance, movement flat)
        span_customer_months.month_start = find_history.history_start
        and coalesce(summarise_subscriptions.is_subscribed_before_history, false) as is_opening_balance,
        coalesce(summarise_subscriptions.first_cancelled_at < span_customer_months.month_start, false)
            as has_cancelled_before
    from span_customer_months
    cross join find_history
    left join sum_billed_months
        on
            span_customer_months.customer_id = sum_billed_months.customer_id
            and span_customer_months.month_start = sum_billed_months.month_start
    left join summarise_subscriptions
        on span_customer_months.customer_id = summarise_subscriptions.customer_id

),

set_previous_mrr as (

    select
        *,
        case
            when lagged_mrr is not null then lagged_mrr
            when is_opening_balance then mrr
            else 0
        end as previous_mrr
    from compare_months

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
