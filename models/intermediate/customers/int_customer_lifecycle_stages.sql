-- One row per customer x lifecycle span. The rules (see the YAML) as windows on the customer's
-- timeline; the stage of each stretch between two window edges is the strongest window covering
-- it (churned, then at_risk, then the tenure stage), and equal neighbours are merged.
with

customers as (

    select * from {{ ref('int_customers_billed') }}

),

status_changes as (

    select * from {{ ref('int_customer_status_changes') }}

),

list_windows as (

    -- churned: from a churn until the first reactivation invoice after it (open if none)
    select
        churns.customer_id,
        'churned' as window_type,
        churns.changed_at as window_from,
        min(reactivations.changed_at) as window_to
    from status_changes as churns
    left join status_changes as reactivations
        on
            churns.customer_id = reactivations.customer_id
            and reactivations.change_type = 'reactivated'
            and churns.changed_at < reactivations.changed_at
    where churns.change_type = 'churned'
    group by 1, 2, 3

    union all

    -- at risk: the 60 days after an MRR contraction or an open (past-due) invoice
    select
        customer_id,
        'at_risk' as window_type,
        changed_at as window_from,
        {{ dbt.dateadd('day', 60, 'changed_at') }} as window_to
    from status_changes
    where change_type in ('contracted', 'past_due')

    union all

    -- reactivated: back as active from the reactivation invoice on (not new or onboarding again)
    select
        customer_id,
        'reactivated' as window_type,
        changed_at as window_from,
        cast(null as timestamp) as window_to
    from status_changes
    where change_type = 'reactivated'

),

list_edges as (

    -- tenure edges: signup, day 30 (onboarding), day 90 (active)
    select
        customer_id,
        signup_at as edge_at
    from customers
    union
    select
        customer_id,
        {{ dbt.dateadd('day', 30, 'signup_at') }} as edge_at
    from customers
    union
    select
        customer_id,
        {{ dbt.dateadd('day', 90, 'signup_at') }} as edge_at
    from customers
    union
    select
        customer_id,
        window_from as edge_at
    from list_windows
    union
    select
        customer_id,
        window_to as edge_at
    from list_windows
    where window_to is not null

),

cut_stretches as (

    -- the timeline from signup on, cut at every edge; the last stretch is open
    select
        list_edges.customer_id,
        customers.signup_at,
        list_edges.edge_at as valid_from,
        lead(list_edges.edge_at) over (
            partition by list_edges.customer_id
            order by list_edges.edge_at
        ) as valid_to
    from list_edges
    inner join customers
        on list_edges.customer_id = customers.customer_id
    where list_edges.edge_at >= customers.signup_at

),

assign_stages as (

    select
        cut_stretches.customer_id,
        cut_stretches.signup_at,
        cut_stretches.valid_from,
        cut_stretches.valid_to,
        case
            when max(case when list_windows.window_type = 'churned' then 1 else 0 end) = 1 then 'churned'
            when max(case when list_windows.window_type = 'at_risk' then 1 else 0 end) = 1 then 'at_risk'
            when max(case when list_windows.window_type = 'reactivated' then 1 else 0 end) = 1 then 'active'
            when cut_stretches.valid_from < {{ dbt.dateadd('day', 30, 'cut_stretches.signup_at') }} then 'new'
            when cut_stretches.valid_from < {{ dbt.dateadd('day', 90, 'cut_stretches.signup_at') }} then 'onboarding'
            else 'active'
        end as lifecycle_stage
    from cut_stretches
    left join list_windows
        on
            cut_stretches.customer_id = list_windows.customer_id
            and cut_stretches.valid_from >= list_windows.window_from
            and (list_windows.window_to is null or cut_stretches.valid_from < list_windows.window_to)
    group by 1, 2, 3, 4

),

mark_stage_changes as (

    select
        *,
        case
            when
                lag(lifecycle_stage) over (partition by customer_id order by valid_from) = lifecycle_stage
                then 0
            else 1
        end as starts_span
    from assign_stages

),

number_spans as (

    select
        *,
        sum(starts_span) over (
            partition by customer_id
            order by valid_from
            rows between unbounded preceding and current row
        ) as span_number
    from mark_stage_changes

),

merge_spans as (

    select
        customer_id,
        span_number,
        lifecycle_stage,
        min(valid_from) as valid_from,
        -- open when its last stretch is open
        case when count(*) = count(valid_to) then max(valid_to) end as valid_to
    from number_spans
    group by 1, 2, 3

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
