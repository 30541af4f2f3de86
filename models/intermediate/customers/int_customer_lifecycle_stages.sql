-- One row per customer x lifecycle span. The rules (see the YAML) as windows on the customer's
-- timeline; the stage of each stretch between two window edges is the strongest window covering
-- it (churned, then at_risk, then the tenure stage), and equal neighbours are merged.
--
-- Linear in the status changes: each window adds +1 at its start and -1 at its end, so the
-- windows of a type covering an edge are a running sum over the customer's edges in time order
-- (one sort), instead of a join of every stretch with every window of its customer.
with

customers as (

    select * from {{ ref('int_customers_billed') }}

),

status_changes as (

    select * from {{ ref('int_customer_status_changes') }}

),

find_churned_windows as (

    -- churned: from a churn until the first reactivation invoice after it (open if none); a
    -- hash join on customer_id, with the few churns and reactivations of each customer
    select
        churns.customer_id,
        churns.changed_at as window_from,
        min(reactivations.changed_at) as window_to
    from status_changes as churns
    left join status_changes as reactivations
        on
            churns.customer_id = reactivations.customer_id
            and reactivations.change_type = 'reactivated'
            and churns.changed_at < reactivations.changed_at
    where churns.change_type = 'churned'
    group by 1, 2

),

list_edges as (

    -- tenure edges: signup, day 30 (onboarding), day 90 (active)
    select
        customer_id,
        signup_at as edge_at,
        0 as churned_change,
        0 as at_risk_change,
        0 as reactivated_change
    from customers

    union all

    select
        customer_id,
        {{ dbt.dateadd('day', 30, 'signup_at') }} as edge_at,
        0 as churned_change,
        0 as at_risk_change,
        0 as reactivated_change
    from customers

    union all

    select
        customer_id,
        {{ dbt.dateadd('day', 90, 'signup_at') }} as edge_at,
        0 as churned_change,
        0 as at_risk_change,
        0 as reactivated_change
    from customers

    union all

    -- churned windows open at the churn and close at the reactivation
    select
        customer_id,
        window_from as edge_at,
        1 as churned_change,
        0 as at_risk_change,
        0 as reactivated_change
    from find_churned_windows

    union all

    select
        customer_id,
        window_to as edge_at,
        -1 as churned_change,
        0 as at_risk_change,
        0 as reactivated_change
    from find_churned_windows
    where window_to is not null

    union all

    -- at risk: the 60 days after an MRR contraction or an open (past-due) invoice
    select
        customer_id,
        changed_at as edge_at,
        0 as churned_change,
        1 as at_risk_change,
        0 as reactivated_change
    from status_changes
    where change_type in ('contracted', 'past_due')

    union all

    select
        customer_id,
        {{ dbt.dateadd('day', 60, 'changed_at') }} as edge_at,
        0 as churned_change,
        -1 as at_risk_change,
        0 as reactivated_change
    from status_changes
    where change_type in ('contracted', 'past_due')

    union all

    -- reactivated: back as active from the reactivation invoice on (not new or onboarding again)
    select
        customer_id,
        changed_at as edge_at,
        0 as churned_change,
        0 as at_risk_change,
        1 as reactivated_change
    from status_changes
    where change_type = 'reactivated'

),

sum_edges as (

    -- one row per customer and edge instant
    select
        customer_id,
        edge_at,
        sum(churned_change) as churned_change,
        sum(at_risk_change) as at_risk_change,
        sum(reactivated_change) as reactivated_change
    from list_edges
    group by 1, 2

),

count_open_windows as (

    -- the windows of each type holding window_from <= edge_at < window_to
    select
        customer_id,
        edge_at,
        sum(churned_change) over customer_timeline as churned_windows,
        sum(at_risk_change) over customer_timeline as at_risk_windows,
        sum(reactivated_change) over customer_timeline as reactivated_windows
    from sum_edges
    window customer_timeline as (
        partition by customer_id
        order by edge_at
        rows between unbounded preceding and current row
    )

),

assign_stages as (

    -- the timeline from signup on, cut at every edge: the stage of the stretch from each edge to
    -- the next
    select
        count_open_windows.customer_id,
        count_open_windows.edge_at as valid_from,
        case
            when count_open_windows.churned_windows > 0 then 'churned'
            when count_open_windows.at_risk_windows > 0 then 'at_risk'
            when count_open_windows.reactivated_windows > 0 then 'active'
            when count_open_windows.edge_at < {{ dbt.dateadd('day', 30, 'customers.signup_at') }} then 'new'
            when count_open_windows.edge_at < {{ dbt.dateadd('day', 90, 'customers.signup_at') }} then 'onboarding'
            else 'active'
        end as lifecycle_stage
    from count_open_windows
    inner join customers
        on
            count_open_windows.customer_id = customers.customer_id
            and count_open_windows.edge_at >= customers.signup_at

),

mark_stage_changes as (

    select
        customer_id,
        lifecycle_stage,
        valid_from,
        lag(lifecycle_stage) over (partition by customer_id order by valid_from) as previous_stage
    from assign_stages

),

merge_spans as (

    -- equal neighbours merged: a span starts where the stage changes and ends where the next
    -- span starts; the last one is open
    select
        customer_id,
        lifecycle_stage,
        valid_from,
        lead(valid_from) over (partition by customer_id order by valid_from) as valid_to
    from mark_stage_changes
    where previous_stage is distinct from lifecycle_stage

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        lifecycle_stage,

        -- timestamps
        valid_from,
        valid_to

    from merge_spans

)

select * from final
