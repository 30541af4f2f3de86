-- One row per customer x grain (week, month, quarter) x complete period of the billing history in
-- which the customer was active at some moment: the base of retention, churn, GRR, NRR, upsell,
-- ARPA and the per-active-customer KPIs, with the customer's segments (int_customers_segmented) so
-- that the KPI layer counts customer-periods per segment without listing them.
with

months_billed as (

    select * from {{ ref('int_customer_months_billed') }}

),

status_changes as (

    select * from {{ ref('int_customer_status_changes') }}

),

customers as (

    select * from {{ ref('int_customers_segmented') }}

),

find_history as (

    -- complete periods only: from the first billed month to the start of the last billed month,
    -- the last instant whose MRR is known (what a customer pays after it is billed next month)
    select
        cast(max(month_start) as date) as as_of,
        min(month_start) as history_start
    from months_billed

),

list_periods as (
    {%- for grain, step_part, step in [('week', 'day', 7), ('month', 'month', 1), ('quarter', 'month', 3)] %}

    select
        '{{ grain }}' as grain,
        cast({{ dbt.dateadd(step_part, '(series.generated_number - 1) * ' ~ step,
            dbt.date_trunc(grain, 'find_history.history_start')) }} as date) as period_start,
        cast({{ dbt.dateadd(step_part, 'series.generated_number * ' ~ step,
            dbt.date_trunc(grain, 'find_history.history_start')) }} as date) as period_end,
        find_history.as_of
    from ({{ dbt.generate_series(2000) }}) as series
    cross join find_history
    where
        {{ dbt.dateadd(step_part, '(series.generated_number - 1) * ' ~ step,
            dbt.date_trunc(grain, 'find_history.history_start')) }} >= find_history.history_start
        and {{ dbt.dateadd(step_part, 'series.generated_number * ' ~ step,
            dbt.date_trunc(grain, 'find_history.history_start')) }} <= find_history.as_of
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

list_span_starts as (

    -- active from the first subscription or invoice, and again from each reactivation invoice
    select
        customer_id,
        min(changed_at) as span_from
    from status_changes
    where change_type in ('subscribed', 'first_invoiced')
    group by 1
    union all
    select
        customer_id,
        changed_at as span_from
    from status_changes
    where change_type = 'reactivated'

),

list_active_spans as (

    -- each active span ends at the first churn after it started (open if none)
    select
        list_span_starts.customer_id,
        list_span_starts.span_from,
        min(churns.changed_at) as span_to
    from list_span_starts
    left join status_changes as churns
        on
            list_span_starts.customer_id = churns.customer_id
            and churns.change_type = 'churned'
            and list_span_starts.span_from < churns.changed_at
    group by 1, 2

),

place_spans_in_periods as (

    -- a customer is active at instant t when a span holds span_from <= t < span_to; the state at
    -- a period's end is the state at the first instant of the next period
    select
        list_active_spans.customer_id,
        list_periods.grain,
        list_periods.period_start,
        list_periods.period_end,
        list_periods.as_of,
        max(
            case
                when
                    list_active_spans.span_from <= cast(list_periods.period_start as timestamp)
                    and (
                        list_active_spans.span_to is null
                        or list_active_spans.span_to > cast(list_periods.period_start as timestamp)
                    )
                    then 1
                else 0
            end
        ) = 1 as active_at_start,
        max(
            case
                when
                    list_active_spans.span_from <= cast(list_periods.period_end as timestamp)
                    and (
                        list_active_spans.span_to is null
                        or list_active_spans.span_to > cast(list_periods.period_end as timestamp)
                    )
                    then 1
                else 0
            end
        ) = 1 as active_at_end,
        max(
            case
                when list_active_spans.span_from < cast(list_periods.period_end as timestamp) then 1
                else 0
            end
        ) = 1 as is_active_in_period
    from list_active_spans
    inner join list_periods
        on
            list_active_spans.span_from <= cast(list_periods.period_end as timestamp)
            and (
                list_active_spans.span_to is null
                or list_active_spans.span_to > cast(list_periods.period_start as timestamp)
            )
    group by 1, 2, 3, 4, 5

),

count_changes as (

    -- a change at instant t belongs to the period (start, end] holding it, like the states above
    select
        place_spans_in_periods.customer_id,
        place_spans_in_periods.grain,
        place_spans_in_periods.period_start,
        count(case when status_changes.change_type = 'churned' then 1 end) as churns,
        count(case when status_changes.change_type = 'reactivated' then 1 end) as reactivations
    from place_spans_in_periods
    inner join status_changes
        on
            place_spans_in_periods.customer_id = status_changes.customer_id
            and status_changes.change_type in ('churned', 'reactivated')
            and status_changes.changed_at > cast(place_spans_in_periods.period_start as timestamp)
            and status_changes.changed_at <= cast(place_spans_in_periods.period_end as timestamp)
    group by 1, 2, 3

),

count_expansions as (

    -- MRR in force changes at the start of a billed month
    select
        place_spans_in_periods.customer_id,
        place_spans_in_periods.grain,
        place_spans_in_periods.period_start,
        count(*) as expansions
    from place_spans_in_periods
    inner join months_billed
        on
            place_spans_in_periods.customer_id = months_billed.customer_id
            and months_billed.movement = 'expansion'
            and place_spans_in_periods.period_start < months_billed.month_start
            and place_spans_in_periods.period_end >= months_billed.month_start
    group by 1, 2, 3

),

look_up_mrr as (

    -- MRR in force at an instant: the MRR billed for the month holding it, while active; at the
    -- end of the history (next month not billed yet) the last billed MRR carries forward
    select
        place_spans_in_periods.*,
        case
            when place_spans_in_periods.active_at_start then coalesce(start_month.mrr, 0)
            else 0
        end as start_mrr,
        case
            when not place_spans_in_periods.active_at_end then 0
            when place_spans_in_periods.period_end > place_spans_in_periods.as_of then coalesce(last_month.mrr, 0)
            else coalesce(end_month.mrr, 0)
        end as end_mrr
    from place_spans_in_periods
    left join months_billed as start_month
        on
            place_spans_in_periods.customer_id = start_month.customer_id
            and cast({{ dbt.date_trunc('month', 'place_spans_in_periods.period_start') }} as date)
            = start_month.month_start
    left join months_billed as end_month
        on
            place_spans_in_periods.customer_id = end_month.customer_id
            and cast({{ dbt.date_trunc('month', 'place_spans_in_periods.period_end') }} as date)
            = end_month.month_start
    left join months_billed as last_month
        on
            place_spans_in_periods.customer_id = last_month.customer_id
            and cast({{ dbt.dateadd('month', -1, 'place_spans_in_periods.as_of') }} as date)
            = last_month.month_start

),

final as (

    select
        -- ids
        look_up_mrr.customer_id,

        -- strings
        look_up_mrr.grain,
        customers.audience,
        customers.value_tier,
        customers.signup_cohort,
        customers.onboarding_journey,

        -- numerics
        look_up_mrr.start_mrr,
        look_up_mrr.end_mrr,

        -- booleans
        look_up_mrr.active_at_start,
        look_up_mrr.active_at_end,
        look_up_mrr.is_active_in_period,

        -- dates
        look_up_mrr.period_start,
        look_up_mrr.period_end,

        -- computed last (sqlfluff ST06)
        coalesce(count_changes.churns, 0) > 0 as churned_in_period,
        coalesce(count_changes.reactivations, 0) > 0 as reactivated_in_period,
        coalesce(count_expansions.expansions, 0) > 0 as expanded_in_period

    from look_up_mrr
    left join customers
        on look_up_mrr.customer_id = customers.customer_id
    left join count_changes
        on
            look_up_mrr.customer_id = count_changes.customer_id
            and look_up_mrr.grain = count_changes.grain
            and look_up_mrr.period_start = count_changes.period_start
    left join count_expansions
        on
            look_up_mrr.customer_id = count_expansions.customer_id
            and look_up_mrr.grain = count_expansions.grain
            and look_up_mrr.period_start = count_expansions.period_start

)

select * from final
