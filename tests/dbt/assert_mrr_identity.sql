-- Fails for every month where start + new + expansion + reactivation - contraction - churn <> end
-- (KPI_SPEC section 4), or where a month's start MRR is not the previous month's end MRR.
with

movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

sum_months as (

    select
        month_start,
        sum(start_mrr) as start_mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churn_mrr) as churn_mrr,
        sum(end_mrr) as end_mrr
    from movements
    group by 1

),

compare_months as (

    select
        *,
        lag(end_mrr) over (order by month_start) as previous_end_mrr,
        start_mrr + new_mrr + expansion_mrr + reactivation_mrr - contraction_mrr - churn_mrr as computed_end_mrr
    from sum_months

)

select *
from compare_months
where
    abs(computed_end_mrr - end_mrr) > 0.005
    or abs(start_mrr - coalesce(previous_end_mrr, start_mrr)) > 0.005
