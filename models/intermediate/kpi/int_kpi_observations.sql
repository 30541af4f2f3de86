-- Every KPI observation of every layer, with the customer-level segments joined once, here.
with

experience as (

    select * from {{ ref('int_experience_kpi_observations') }}

),

engagement as (

    select * from {{ ref('int_engagement_kpi_observations') }}

),

operational as (

    select * from {{ ref('int_operational_kpi_observations') }}

),

commercial as (

    select * from {{ ref('int_commercial_kpi_observations') }}

),

governance as (

    select * from {{ ref('int_governance_kpi_observations') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

lifecycle_stages as (

    -- an open span ends in the far future, so the join below is one equality and one range
    select
        customer_id,
        lifecycle_stage,
        valid_from,
        coalesce(valid_to, cast('9999-12-31' as timestamp)) as valid_until
    from {{ ref('int_customer_lifecycle_stages') }}

),

intent_stages as (

    select * from {{ ref('intent_stages') }}

),

observations as (

    select * from experience
    union all
    select * from engagement
    union all
    select * from operational
    union all
    select * from commercial
    union all
    select * from governance

),

timed as (

    -- the moment that places an observation in a customer's lifecycle
    select
        *,
        coalesce(observed_at, cast(period_start as timestamp)) as segment_at
    from observations

),

segmented as (

    select
        timed.kpi_id,
        timed.observed_at,
        timed.grain,
        timed.period_start,
        timed.customer_id,
        customers.audience,
        customers.value_tier,
        lifecycle_stages.lifecycle_stage,
        timed.channel,
        timed.device,
        timed.journey_type,
        intent_stages.intent_stage,
        customers.signup_cohort,
        customers.onboarding_journey,
        timed.numerator,
        timed.denominator,
        case
            when timed.ai_involved then 'yes'
            when not timed.ai_involved then 'no'
        end as ai_involved
    from timed
    left join customers
        on timed.customer_id = customers.customer_id
    left join lifecycle_stages
        on
            timed.customer_id = lifecycle_stages.customer_id
            and timed.segment_at >= lifecycle_stages.valid_from
            and timed.segment_at < lifecycle_stages.valid_until
    left join intent_stages
        on timed.intent = intent_stages.intent

)

select * from segmented
