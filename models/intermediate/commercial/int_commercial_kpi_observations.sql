-- One row per commercial KPI x unit of analysis (a lead, a closed opportunity, an active
-- customer-period) with the unit's numerator and denominator. Each KPI's formula is the CTE named
-- after it. pipeline_velocity and ltv are derived from other KPIs centrally: no rows here.
with

customer_periods as (

    select * from {{ ref('int_customer_periods_tracked') }}

),

conversions as (

    select * from {{ ref('int_conversions_ai_assisted') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

count_purchases as (

    -- purchase or upgrade conversions of customers active in the period (signups are not)
    select
        customer_periods.customer_id,
        customer_periods.grain,
        customer_periods.period_start,
        count(conversions.conversion_id) as purchases
    from customer_periods
    left join conversions
        on
            customer_periods.customer_id = conversions.customer_id
            and {{ is_purchase_conversion('conversions.conversion_type') }}
            and conversions.converted_at >= cast(customer_periods.period_start as timestamp)
            and conversions.converted_at < cast(customer_periods.period_end as timestamp)
    where customer_periods.is_active_in_period
    group by 1, 2, 3

),

conversion_rate as (

    -- one row per customer active in the period
    select
        'conversion_rate' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when purchases > 0 then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from count_purchases

),

lead_data_end as (

    -- the last moment the lead export knows about
    select max(coalesce(converted_at, created_at)) as data_end
    from leads

),

lead_conversion_rate as (

    -- every lead at its creation, converted within 30 days or not; leads whose 30 days have not
    -- passed by the end of the data are left out, so recent periods are not biased down;
    -- channel = the lead's source channel
    select
        'lead_conversion_rate' as kpi_id,
        leads.created_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        leads.customer_id,
        leads.source_channel as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        'sales' as intent,
        cast(null as boolean) as ai_involved,
        cast(
            case
                when
                    leads.converted_at is not null
                    and leads.converted_at < {{ dbt.dateadd('day', 30, 'leads.created_at') }}
                    then 1
                else 0
            end as double
        ) as numerator,
        cast(1 as double) as denominator
    from leads
    cross join lead_data_end
    where {{ dbt.dateadd('day', 30, 'leads.created_at') }} <= lead_data_end.data_end

),

win_rate as (

    -- opportunities closed (won or lost), at the close
    select
        'win_rate' as kpi_id,
        closed_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        'sales' as intent,
        cast(null as boolean) as ai_involved,
        cast(case when stage = 'won' then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from opportunities
    where stage in ('won', 'lost') and closed_at is not null

),

won_value as (

    -- won opportunities' amounts (USD), at the close
    select
        'won_value' as kpi_id,
        closed_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        'sales' as intent,
        cast(null as boolean) as ai_involved,
        cast(amount as double) as numerator,
        cast(1 as double) as denominator
    from opportunities
    where stage = 'won' and closed_at is not null and amount is not null

),

sales_cycle_days as (

    -- days (fractional) from creation to win, at the close; a close before creation is a data error
    select
        'sales_cycle_days' as kpi_id,
        closed_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        'sales' as intent,
        cast(null as boolean) as ai_involved,
        cast(
            {{ dbt.datediff('created_at', 'closed_at', 'second') }}
            as double
        ) / 86400.0 as numerator,
        cast(1 as double) as denominator
    from opportunities
    where stage = 'won' and closed_at is not null and closed_at >= created_at

),

retention_rate as (

    -- customers active at the period start: still active at its end
    select
        'retention_rate' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when active_at_end then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from customer_periods
    where active_at_start

),

churn_rate as (

    -- customers active at the period start who cancelled and are not back by its end, so
    -- churn_rate = 1 - retention_rate (a churn and reactivation inside one period is retained)
    select
        'churn_rate' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when not active_at_end then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from customer_periods
    where active_at_start

),

gross_revenue_retention as (

    -- customers active at the start with MRR: end MRR capped at the start MRR / start MRR
    select
        'gross_revenue_retention' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when end_mrr < start_mrr then end_mrr else start_mrr end as double) as numerator,
        cast(start_mrr as double) as denominator
    from customer_periods
    where active_at_start and start_mrr > 0

),

net_revenue_retention as (

    select
        'net_revenue_retention' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(end_mrr as double) as numerator,
        cast(start_mrr as double) as denominator
    from customer_periods
    where active_at_start and start_mrr > 0

),

upsell_rate as (

    -- customers active at the start whose MRR expanded during the period
    select
        'upsell_rate' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when expanded_in_period then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from customer_periods
    where active_at_start

),

arpa as (

    -- customers active at the period end: their MRR in force then (USD)
    select
        'arpa' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(end_mrr as double) as numerator,
        cast(1 as double) as denominator
    from customer_periods
    where active_at_end

),

final as (

    select * from conversion_rate
    union all
    select * from lead_conversion_rate
    union all
    select * from win_rate
    union all
    select * from won_value
    union all
    select * from sales_cycle_days
    union all
    select * from retention_rate
    union all
    select * from churn_rate
    union all
    select * from gross_revenue_retention
    union all
    select * from net_revenue_retention
    union all
    select * from upsell_rate
    union all
    select * from arpa

)

select * from final
