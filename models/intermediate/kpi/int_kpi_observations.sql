-- Every KPI observation of every layer in one relation, each in its customer's segments: joined
-- once, here, for an observation of one unit (the customer's audience, value tier, signup cohort and
-- onboarding journey, the lifecycle stage at the moment it happened, the intent stage of its
-- intent). A counted row (customers of a period counted per customer segment) carries its customer
-- segments and no customer_id, so the joins leave it as it is.
{#- A view: at the large scale the layers hold about 30 million observations, and writing them all
    again (a dozen text columns each) cost several times what its readers spend joining the
    segments on the fly; int_kpi_values reads every row once, the experiments only their KPIs. -#}
{{ config(materialized='view') }}
{%- set layers = ['experience', 'engagement', 'operational', 'commercial', 'governance'] %}

with

{% for layer in layers -%}
{{ layer }} as (

    select * from {{ ref('int_' ~ layer ~ '_kpi_observations') }}

),

{% endfor -%}

customers as (

    select * from {{ ref('int_customers_segmented') }}

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

gather_layers as (
    {%- for layer in layers %}

    select {{ kpi_observation_columns() | join(', ') }}
    from {{ layer }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

place_in_segments as (

    select
        gather_layers.kpi_id,
        gather_layers.unit_id,
        gather_layers.observed_at,
        gather_layers.grain,
        gather_layers.period_start,
        gather_layers.customer_id,
        gather_layers.channel,
        gather_layers.device,
        gather_layers.journey_type,
        intent_stages.intent_stage,
        gather_layers.units,
        gather_layers.numerator,
        gather_layers.denominator,
        gather_layers.numerator_squared,
        gather_layers.denominator_squared,
        gather_layers.numerator_denominator,
        coalesce(gather_layers.audience, customers.audience) as audience,
        coalesce(gather_layers.value_tier, customers.value_tier) as value_tier,
        coalesce(gather_layers.lifecycle_stage, lifecycle_stages.lifecycle_stage) as lifecycle_stage,
        coalesce(gather_layers.signup_cohort, customers.signup_cohort) as signup_cohort,
        coalesce(gather_layers.onboarding_journey, customers.onboarding_journey) as onboarding_journey,
        case
            when gather_layers.ai_involved then 'yes'
            when not gather_layers.ai_involved then 'no'
        end as ai_involved
    from gather_layers
    left join customers
        on gather_layers.customer_id = customers.customer_id
    left join lifecycle_stages
        on
            gather_layers.customer_id = lifecycle_stages.customer_id
            and gather_layers.observed_at >= lifecycle_stages.valid_from
            and gather_layers.observed_at < lifecycle_stages.valid_until
    left join intent_stages
        on gather_layers.intent = intent_stages.intent

)

select * from place_in_segments
