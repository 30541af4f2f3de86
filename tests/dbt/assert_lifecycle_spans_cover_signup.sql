-- Dagster attaches the test, as an asset check, to the lifecycle spans it guards.
{{ config(meta={'dagster': {'ref': {'name': 'int_customer_lifecycle_stages'}}}) }}

-- Fails for every customer whose lifecycle spans overlap, leave a gap, do not start at signup_at or
-- do not end in exactly one open span; and for every customer without spans.
with

customers as (

    select * from {{ ref('dim_customers') }}
    where not is_missing_member

),

spans as (

    select * from {{ ref('int_customer_lifecycle_stages') }}

),

order_spans as (

    select
        customer_id,
        lifecycle_stage,
        valid_from,
        valid_to,
        lead(valid_from) over (partition by customer_id order by valid_from) as next_valid_from,
        row_number() over (partition by customer_id order by valid_from) as span_number
    from spans

),

find_problems as (

    select
        customer_id,
        valid_from,
        case
            when valid_to is not null and valid_to <= valid_from then 'empty or reversed span'
            when next_valid_from is not null and valid_to is null then 'open span before the last'
            when next_valid_from is not null and valid_to > next_valid_from then 'overlaps the next span'
            when next_valid_from is not null and valid_to < next_valid_from then 'gap before the next span'
            when next_valid_from is null and valid_to is not null then 'last span is closed'
        end as problem
    from order_spans

    union all

    select
        customers.customer_id,
        customers.signup_at as valid_from,
        case
            when order_spans.customer_id is null then 'no spans'
            when order_spans.valid_from <> customers.signup_at then 'first span does not start at signup_at'
        end as problem
    from customers
    left join order_spans
        on
            customers.customer_id = order_spans.customer_id
            and order_spans.span_number = 1

)

select *
from find_problems
where problem is not null
