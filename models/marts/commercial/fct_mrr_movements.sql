-- One row per customer x month with MRR or MRR the month before: the movement and its amounts.
with

months_billed as (

    select * from {{ ref('int_customer_months_billed') }}

),

split_movements as (

    select
        customer_id,
        month_start,
        movement,
        is_opening_balance,
        previous_mrr as start_mrr,
        mrr as end_mrr,
        case when movement = 'new' then mrr_change else 0 end as new_mrr,
        case when movement = 'expansion' then mrr_change else 0 end as expansion_mrr,
        case when movement = 'reactivation' then mrr_change else 0 end as reactivation_mrr,
        case when movement = 'contraction' then -mrr_change else 0 end as contraction_mrr,
        case when movement = 'churn' then -mrr_change else 0 end as churn_mrr
    from months_billed

),

final as (

    select
        -- ids
        customer_id,

        -- strings
        movement,

        -- numerics
        start_mrr,
        new_mrr,
        expansion_mrr,
        reactivation_mrr,
        contraction_mrr,
        churn_mrr,
        end_mrr,

        -- booleans
        is_opening_balance,

        -- dates
        month_start,

        -- key (computed, so last: sqlfluff ST06)
        customer_id || '|' || cast(month_start as {{ sql_type('varchar') }}) as customer_month_id

    from split_movements

)

select * from final
