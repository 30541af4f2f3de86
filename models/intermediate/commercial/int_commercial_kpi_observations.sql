-- One row per commercial KPI x unit of analysis (a lead, a closed opportunity) with the unit's
-- numerator and denominator, and the customers of each period counted per period and customer
-- segment (retention, churn, revenue retention, upsell, ARPA, conversion). Each KPI is one
-- kpi_observation call below (macros/kpi/kpi_observation.sql). pipeline_velocity and ltv are
-- derived from other KPIs centrally (int_kpi_values_derived): no rows here.
{#- What one unit of each source is, and where it sits in time and in the segments. -#}
{%- set lead = {
    'from': 'observable_leads', 'unit_id': 'lead_id', 'observed_at': 'created_at',
    'customer_id': 'customer_id', 'channel': 'source_channel', 'intent': "'sales'",
} -%}
{%- set closed_opportunity = {
    'from': 'opportunities', 'unit_id': 'opportunity_id', 'observed_at': 'closed_at',
    'customer_id': 'customer_id', 'intent': "'sales'",
} -%}
{#- customers of a period: counted per period and customer segment, not listed -#}
{%- set customer_period = {
    'from': 'count_purchases', 'grain': 'grain', 'period_start': 'period_start',
    'audience': 'audience', 'value_tier': 'value_tier', 'signup_cohort': 'signup_cohort',
    'onboarding_journey': 'onboarding_journey', 'counted': true,
} %}

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

find_lead_data_end as (

    -- the last moment the lead export knows about
    select max(coalesce(converted_at, created_at)) as data_end
    from leads

),

observable_leads as (

    -- leads whose 30 days have passed by the end of the data (recent periods are not biased down)
    select leads.*
    from leads
    cross join find_lead_data_end
    where {{ dbt.dateadd('day', 30, 'leads.created_at') }} <= find_lead_data_end.data_end

),

count_period_purchases as (

    -- the conversions the registry's conversion_rate counts: purchases and upgrades, not signups
    {{ events_per_customer_period('conversions', 'converted_at', where=is_purchase_conversion('conversion_type')) }}

),

count_purchases as (

    select
        customer_periods.*,
        coalesce(count_period_purchases.events, 0) as purchases
    from customer_periods
    left join count_period_purchases
        on
            customer_periods.customer_id = count_period_purchases.customer_id
            and customer_periods.grain = count_period_purchases.grain
            and customer_periods.period_start = count_period_purchases.period_start

),

final as (

    -- leads at their creation (channel = the lead's source channel), once 30 days have passed:
    -- 1 when converted within 30 days
    {{ kpi_observation('lead_conversion_rate', lead,
        numerator="case when converted_at is not null and converted_at < "
            ~ dbt.dateadd('day', 30, 'created_at') ~ " then 1 else 0 end") }}

    union all

    -- opportunities closed (won or lost), at the close: 1 when won
    {{ kpi_observation('win_rate', closed_opportunity,
        numerator="case when stage = 'won' then 1 else 0 end",
        where="stage in ('won', 'lost') and closed_at is not null") }}

    union all

    -- won opportunities, at the close: the amount (USD)
    {{ kpi_observation('won_value', closed_opportunity,
        numerator='amount',
        where="stage = 'won' and closed_at is not null and amount is not null") }}

    union all

    -- won opportunities, at the close: days (fractional) from creation to the win; a close before
    -- the creation is a data error and left out
    {{ kpi_observation('sales_cycle_days', closed_opportunity,
        numerator='cast(' ~ dbt.datediff('created_at', 'closed_at', 'second') ~ ' as ' ~ sql_type('double') ~ ') / 86400.0',
        where="stage = 'won' and closed_at is not null and closed_at >= created_at") }}

    union all

    {%- set customer_period_kpis = [] %}
    {#- customers active at some moment of the period: 1 when they purchased or upgraded in it #}
    {%- do customer_period_kpis.append({
        'kpi_id': 'conversion_rate', 'where': 'is_active_in_period',
        'numerator': 'case when purchases > 0 then 1 else 0 end',
    }) %}
    {#- customers active at the period start: 1 when still active at its end #}
    {%- do customer_period_kpis.append({
        'kpi_id': 'retention_rate', 'where': 'active_at_start',
        'numerator': 'case when active_at_end then 1 else 0 end',
    }) %}
    {#- customers active at the period start: 1 when they cancelled and are not back by its
        end, so churn_rate = 1 - retention_rate (a churn and reactivation inside one period is
        retained) #}
    {%- do customer_period_kpis.append({
        'kpi_id': 'churn_rate', 'where': 'active_at_start',
        'numerator': 'case when not active_at_end then 1 else 0 end',
    }) %}
    {#- customers active at the start with MRR: end MRR capped at the start MRR over the start
        MRR #}
    {%- do customer_period_kpis.append({
        'kpi_id': 'gross_revenue_retention', 'where': 'active_at_start and start_mrr > 0',
        'numerator': 'case when end_mrr < start_mrr then end_mrr else start_mrr end',
        'denominator': 'start_mrr',
    }) %}
    {#- customers active at the start with MRR: end MRR over start MRR #}
    {%- do customer_period_kpis.append({
        'kpi_id': 'net_revenue_retention', 'where': 'active_at_start and start_mrr > 0',
        'numerator': 'end_mrr', 'denominator': 'start_mrr',
    }) %}
    {#- customers active at the start: 1 when their MRR expanded during the period #}
    {%- do customer_period_kpis.append({
        'kpi_id': 'upsell_rate', 'where': 'active_at_start',
        'numerator': 'case when expanded_in_period then 1 else 0 end',
    }) %}
    {#- customers active at the period end: their MRR in force then (USD) #}
    {%- do customer_period_kpis.append({
        'kpi_id': 'arpa', 'where': 'active_at_end', 'numerator': 'end_mrr',
    }) %}
    {{ kpi_counted_observations(customer_period, customer_period_kpis) }}

)

select * from final
