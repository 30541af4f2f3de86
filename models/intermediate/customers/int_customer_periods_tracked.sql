-- One row per customer x grain (week, month, quarter) x complete period of the billing history in
-- which the customer was active at some moment: the base of retention, churn, GRR, NRR, upsell,
-- ARPA and the per-active-customer KPIs, with the customer's segments (int_customers_segmented).
--
-- Sized for millions of customer-periods: the work is done per customer (its active intervals,
-- the MRR of each billed month, the periods holding a churn, a reactivation or an expansion) and
-- per interval and grain (the range of periods it touches). Only the last steps have one row per
-- customer-period: each interval's range is unnested, joined to the few periods of the history,
-- and its columns are read from the interval's values; no aggregate, window or join on
-- customer_id runs at that grain.
{#- The boundaries of a grain before an instant (boundary k = the start of period k of the grain,
    boundary period_count = the end of its last period): the steps (days for weeks, months
    otherwise) from the grain's first period start to the instant, over the grain's step, plus
    one unless the instant is that boundary itself; 0 before the first period, at most
    period_count + 1 (null for a null instant). __instant__ is the timestamp to place. #}
{%- set boundaries_before -%}
case
    when __instant__ is null then null
    when __steps__ < 0 then 0
    else least(
        {{ integer_divide('__steps__', 'describe_grains.step_size') }}
        + case
            when
                {{ integer_remainder('__steps__', 'describe_grains.step_size') }} = 0
                and __instant__ = case
                    when describe_grains.grain = 'week' then date_trunc('day', __instant__)
                    else date_trunc('month', __instant__)
                end
                then 0
            else 1
        end,
        describe_grains.period_count + 1
    )
end
{%- endset %}
{%- set steps_since_first_period -%}
(case
    when describe_grains.grain = 'week'
        then {{ dbt.datediff('describe_grains.first_period_start', '__instant__', 'day') | trim }}
    else cast({{ dbt.datediff('describe_grains.first_period_start', '__instant__', 'month') | trim }} as bigint)
end)
{%- endset %}
{%- set boundaries_before = boundaries_before | replace('__steps__', steps_since_first_period) %}
{#- Month counts are cast to bigint: PostgreSQL's datediff in months is a double (date_part), and
    they index lists and divide as integers. #}
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
        min(month_start) as history_start,
        cast({{ dbt.datediff('min(month_start)', 'max(month_start)', 'month') | trim }} as bigint) + 1 as history_months
    from months_billed

),

list_periods as (
    {%- for grain, step_part, step in [('week', 'day', 7), ('month', 'month', 1), ('quarter', 'month', 3)] %}

    select
        '{{ grain }}' as grain,
        cast({{ dbt.dateadd(step_part, '(series.generated_number - 1) * ' ~ step,
            dbt.date_trunc(grain, 'find_history.history_start')) }} as date) as period_start,
        cast({{ dbt.dateadd(step_part, 'series.generated_number * ' ~ step,
            dbt.date_trunc(grain, 'find_history.history_start')) }} as date) as period_end
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

number_periods as (

    -- the periods of a grain follow each other; period_key numbers all periods of all grains,
    -- so one integer finds a period. MRR positions are 1 + months since the history start.
    select
        list_periods.grain,
        list_periods.period_start,
        list_periods.period_end,
        cast(list_periods.period_start as timestamp) as period_started_at,
        cast(list_periods.period_end as timestamp) as period_ended_at,
        cast({{ dbt.datediff('find_history.history_start', 'list_periods.period_start', 'month') | trim }} as bigint)
        + 1 as start_month_position,
        -- at the end of the history (next month not billed yet) the last billed MRR carries
        -- forward
        case
            when list_periods.period_end > find_history.as_of
                then cast({{ dbt.datediff('find_history.history_start',
                    dbt.dateadd('month', -1, 'find_history.as_of'), 'month') | trim }} as bigint)
            else cast(
                {{ dbt.datediff('find_history.history_start', 'list_periods.period_end', 'month') | trim }} as bigint
            )
        end + 1 as end_month_position,
        row_number() over (order by list_periods.grain, list_periods.period_start) as period_key
    from list_periods
    cross join find_history

),

describe_grains as (

    -- period number k of a grain (0 to period_count - 1) starts k steps after its first period
    select
        grain,
        min(period_start) as first_period_start,
        min(period_key) as first_period_key,
        count(*) as period_count,
        case grain when 'week' then 7 when 'month' then 1 when 'quarter' then 3 end as step_size
    from number_periods
    group by 1

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

    -- each active span ends at the first churn after it started (open if none: a far-future
    -- end); a hash join on customer_id, with the few starts and churns of each customer
    select
        list_span_starts.customer_id,
        list_span_starts.span_from,
        coalesce(min(churns.changed_at), cast('9999-12-31' as timestamp)) as span_to
    from list_span_starts
    left join status_changes as churns
        on
            list_span_starts.customer_id = churns.customer_id
            and churns.change_type = 'churned'
            and list_span_starts.span_from < churns.changed_at
    group by 1, 2

),

mark_interval_starts as (

    -- a customer is active at instant t when a span holds span_from <= t < span_to: spans that
    -- overlap or touch are joined into disjoint active intervals
    select
        customer_id,
        span_from,
        span_to,
        max(span_to) over (
            partition by customer_id
            order by span_from
            rows between unbounded preceding and 1 preceding
        ) as earlier_span_to
    from list_active_spans

),

number_intervals as (

    select
        customer_id,
        span_from,
        span_to,
        -- the end of the interval before (on the interval's first span)
        case when coalesce(span_from > earlier_span_to, true) then earlier_span_to end as previous_active_to,
        sum(case when coalesce(span_from > earlier_span_to, true) then 1 else 0 end) over (
            partition by customer_id
            order by span_from
            rows between unbounded preceding and current row
        ) as interval_number
    from mark_interval_starts

),

merge_intervals as (

    select
        customer_id,
        interval_number,
        min(span_from) as active_from,
        max(span_to) as active_to,
        max(previous_active_to) as previous_active_to
    from number_intervals
    group by 1, 2

),

list_changes as (

    -- a change at instant t belongs to the period (start, end] holding it; MRR in force changes
    -- at the start of a billed month
    select
        customer_id,
        change_type,
        changed_at
    from status_changes
    where change_type in ('churned', 'reactivated')
    union all
    select
        customer_id,
        'expanded' as change_type,
        cast(month_start as timestamp) as changed_at
    from months_billed
    where movement = 'expansion'

),

place_changes_in_periods as (

    -- period k holds t when boundary k < t <= boundary k + 1: k = boundaries before t - 1
    select
        list_changes.customer_id,
        list_changes.change_type,
        describe_grains.period_count,
        describe_grains.first_period_key,
        {{ boundaries_before | replace('__instant__', 'list_changes.changed_at') }} - 1 as period_number
    from list_changes
    cross join describe_grains

),

list_customer_facts as (

    -- per customer: its billed months (position, MRR) and the periods holding its changes
    select
        months_billed.customer_id,
        'billed_month' as fact_type,
        cast(
            {{ dbt.datediff('find_history.history_start', 'months_billed.month_start', 'month') | trim }} as bigint
        ) + 1 as fact_position,
        months_billed.mrr
    from months_billed
    cross join find_history
    union all
    select
        customer_id,
        change_type as fact_type,
        first_period_key + period_number as fact_position,
        cast(null as {{ sql_type('double') }}) as mrr
    from place_changes_in_periods
    where period_number between 0 and period_count - 1

),

collect_customer_facts as (

    select
        customer_id,
        -- two lists of the billed months, in the same (month) order
        {{ list_agg('fact_position', "fact_type = 'billed_month'", 'fact_position') }} as billed_month_positions,
        {{ list_agg('mrr', "fact_type = 'billed_month'", 'fact_position') }} as billed_month_mrrs,
        {{ list_agg('fact_position', "fact_type = 'churned'") }} as churned_periods,
        {{ list_agg('fact_position', "fact_type = 'reactivated'") }} as reactivated_periods,
        {{ list_agg('fact_position', "fact_type = 'expanded'") }} as expanded_periods
    from list_customer_facts
    group by 1

),

list_monthly_mrr as (

    -- the MRR billed in each month of the history: element i for month position i (0 when the
    -- customer has no row for the month)
    select
        collect_customer_facts.customer_id,
        collect_customer_facts.churned_periods,
        collect_customer_facts.reactivated_periods,
        collect_customer_facts.expanded_periods,
        {{ dense_list(
            'collect_customer_facts.billed_month_positions',
            'collect_customer_facts.billed_month_mrrs',
            'find_history.history_months',
            0
        ) }} as mrr_by_month
    from collect_customer_facts
    cross join find_history

),

count_boundaries as (

    -- per interval and grain, the boundaries before its start, its end and the end of the
    -- interval before it
    select
        merge_intervals.customer_id,
        merge_intervals.active_from,
        merge_intervals.active_to,
        describe_grains.period_count,
        describe_grains.first_period_key,
        {{ boundaries_before | replace('__instant__', 'merge_intervals.active_from') }} as boundaries_before_start,
        {{ boundaries_before | replace('__instant__', 'merge_intervals.active_to') }} as boundaries_before_end,
        {{ boundaries_before | replace('__instant__', 'merge_intervals.previous_active_to') }}
            as boundaries_before_previous_end
    from merge_intervals
    cross join describe_grains

),

set_period_ranges as (

    -- the interval touches period k (period_start < active_to and active_from <= period_end, as
    -- the states below read) for k from boundaries_before_start - 1 to boundaries_before_end - 1.
    -- A period touched by two intervals (a churn and a reactivation inside it) belongs to the
    -- first, so each interval starts after the last period of the one before it; the state at
    -- the period's start is read from that first interval, the state at its end from the
    -- interval holding its end
    select
        customer_id,
        active_from,
        active_to,
        first_period_key + greatest(
            boundaries_before_start - 1,
            coalesce(boundaries_before_previous_end, 0),
            0
        ) as first_period_key,
        first_period_key + least(boundaries_before_end - 1, period_count - 1) as last_period_key
    from count_boundaries

),

list_later_intervals as (

    select * from merge_intervals
    where interval_number > 1

),

find_state_after_intervals as (

    -- the state at the end of the interval's last period, when that instant is past the
    -- interval's end: whether a later interval of the customer holds it (at most one does, the
    -- intervals are disjoint)
    select
        set_period_ranges.*,
        list_later_intervals.customer_id is not null as is_active_after_interval
    from set_period_ranges
    left join number_periods as last_periods
        on set_period_ranges.last_period_key = last_periods.period_key
    left join list_later_intervals
        on
            set_period_ranges.customer_id = list_later_intervals.customer_id
            and last_periods.period_ended_at >= list_later_intervals.active_from
            and last_periods.period_ended_at < list_later_intervals.active_to
    where set_period_ranges.first_period_key <= set_period_ranges.last_period_key

),

gather_interval_facts as (

    select
        find_state_after_intervals.customer_id,
        find_state_after_intervals.active_from,
        find_state_after_intervals.active_to,
        find_state_after_intervals.is_active_after_interval,
        list_monthly_mrr.mrr_by_month,
        list_monthly_mrr.churned_periods,
        list_monthly_mrr.reactivated_periods,
        list_monthly_mrr.expanded_periods,
        -- the customer's segments, carried to its periods so the KPI layer counts them per segment
        customers.audience,
        customers.value_tier,
        customers.signup_cohort,
        customers.onboarding_journey,
        find_state_after_intervals.first_period_key,
        find_state_after_intervals.last_period_key
    from find_state_after_intervals
    left join list_monthly_mrr
        on find_state_after_intervals.customer_id = list_monthly_mrr.customer_id
    left join customers
        on find_state_after_intervals.customer_id = customers.customer_id

),

list_customer_periods as (

    -- from here on, one row per customer-period: a row for each period of each interval's range
    select
        *,
        {{ series_rows('first_period_key', 'last_period_key') }} as period_key
    from gather_interval_facts

),

read_states as (

    -- the state at a period's end is the state at the first instant of the next period: inside
    -- the interval, or (at the end of its last period) inside the one after it
    select
        list_customer_periods.customer_id,
        list_customer_periods.period_key,
        list_customer_periods.mrr_by_month,
        list_customer_periods.churned_periods,
        list_customer_periods.reactivated_periods,
        list_customer_periods.expanded_periods,
        list_customer_periods.audience,
        list_customer_periods.value_tier,
        list_customer_periods.signup_cohort,
        list_customer_periods.onboarding_journey,
        number_periods.grain,
        number_periods.period_start,
        number_periods.period_end,
        number_periods.start_month_position,
        number_periods.end_month_position,
        list_customer_periods.active_from <= number_periods.period_started_at
        and number_periods.period_started_at < list_customer_periods.active_to as active_at_start,
        (
            list_customer_periods.active_from <= number_periods.period_ended_at
            and number_periods.period_ended_at < list_customer_periods.active_to
        )
        or (
            number_periods.period_ended_at >= list_customer_periods.active_to
            and list_customer_periods.is_active_after_interval
        ) as active_at_end,
        list_customer_periods.active_from < number_periods.period_ended_at as is_active_in_period
    from list_customer_periods
    inner join number_periods
        on list_customer_periods.period_key = number_periods.period_key

),

look_up_mrr as (

    -- MRR in force at an instant: the MRR billed for the month holding it, while active
    select
        *,
        case
            when active_at_start then coalesce({{ list_element('mrr_by_month', 'start_month_position') }}, 0)
            else 0
        end as start_mrr,
        case
            when active_at_end then coalesce({{ list_element('mrr_by_month', 'end_month_position') }}, 0)
            else 0
        end as end_mrr
    from read_states

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        grain,
        audience,
        value_tier,
        signup_cohort,
        onboarding_journey,

        -- numerics
        start_mrr,
        end_mrr,

        -- booleans
        active_at_start,
        active_at_end,
        is_active_in_period,

        -- dates
        period_start,
        period_end,

        -- computed last (sqlfluff ST06)
        coalesce({{ list_contains('churned_periods', 'period_key') }}, false) as churned_in_period,
        coalesce({{ list_contains('reactivated_periods', 'period_key') }}, false) as reactivated_in_period,
        coalesce({{ list_contains('expanded_periods', 'period_key') }}, false) as expanded_in_period

    from look_up_mrr

)

select * from final
