-- One row per governance KPI x unit of analysis (an AI output, a QA review, a raw row) with the
-- unit's numerator and denominator. Each KPI's formula is the CTE named after it.
-- reason_understood_pct comes from surveys (the experience layer).
with

outputs as (

    select * from {{ ref('int_ai_outputs_reviewed') }}

),

reviews as (

    select * from {{ ref('stg_qa_reviews__reviews') }}

),

raw_rows as (
    {%- for raw in raw_tables() %}

    select
        _loaded_at as loaded_at,
        quarantine_reason
    from {{ ref('base_' ~ raw.system ~ '__' ~ raw.table) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

rationale_coverage as (

    -- every AI output, at its creation; channel = the touchpoint type (chat, ticket, email, web)
    select
        'rationale_coverage' as kpi_id,
        created_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        touchpoint_type as channel,
        cast(null as varchar) as device,
        touchpoint_journey as journey_type,
        cast(null as varchar) as intent,
        true as ai_involved,
        cast(case when has_rationale then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from outputs

),

policy_reference_coverage as (

    select
        'policy_reference_coverage' as kpi_id,
        created_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        touchpoint_type as channel,
        cast(null as varchar) as device,
        touchpoint_journey as journey_type,
        cast(null as varchar) as intent,
        true as ai_involved,
        cast(case when has_policy_reference then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from outputs

),

confidence_indicator_coverage as (

    select
        'confidence_indicator_coverage' as kpi_id,
        created_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        touchpoint_type as channel,
        cast(null as varchar) as device,
        touchpoint_journey as journey_type,
        cast(null as varchar) as intent,
        true as ai_involved,
        cast(case when has_confidence_indicator then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from outputs

),

explanation_ctr as (

    -- outputs whose explanation was shown
    select
        'explanation_ctr' as kpi_id,
        created_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        touchpoint_type as channel,
        cast(null as varchar) as device,
        touchpoint_journey as journey_type,
        cast(null as varchar) as intent,
        true as ai_involved,
        cast(case when explanation_opened then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from outputs
    where explanation_shown

),

explanation_acceptance_rate as (

    -- outputs shown with a rationale that the customer decided on (accepted is null when there was
    -- nothing to accept or no answer)
    select
        'explanation_acceptance_rate' as kpi_id,
        created_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        touchpoint_type as channel,
        cast(null as varchar) as device,
        touchpoint_journey as journey_type,
        cast(null as varchar) as intent,
        true as ai_involved,
        cast(case when accepted then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from outputs
    where explanation_shown and has_rationale and accepted is not null

),

override_rate as (

    -- outputs a human reviewed
    select
        'override_rate' as kpi_id,
        created_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        touchpoint_type as channel,
        cast(null as varchar) as device,
        touchpoint_journey as journey_type,
        cast(null as varchar) as intent,
        true as ai_involved,
        cast(case when overridden_by_human then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from outputs
    where human_reviewed

),

qa_pass_rate as (

    -- every QA review, at the review
    select
        'qa_pass_rate' as kpi_id,
        reviewed_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        cast(null as varchar) as customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        true as ai_involved,
        cast(case when result = 'pass' then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from reviews

),

audit_completeness as (

    select
        'audit_completeness' as kpi_id,
        created_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        touchpoint_type as channel,
        cast(null as varchar) as device,
        touchpoint_journey as journey_type,
        cast(null as varchar) as intent,
        true as ai_involved,
        cast(case when is_audit_complete then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from outputs

),

quarantine_rate as (

    -- every raw row of every source table, when it was loaded (a row whose load time cannot be
    -- read has no period and is left out)
    select
        'quarantine_rate' as kpi_id,
        loaded_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        cast(null as varchar) as customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when quarantine_reason is not null then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from raw_rows
    where loaded_at is not null

),

final as (

    select * from rationale_coverage
    union all
    select * from policy_reference_coverage
    union all
    select * from confidence_indicator_coverage
    union all
    select * from explanation_ctr
    union all
    select * from explanation_acceptance_rate
    union all
    select * from override_rate
    union all
    select * from qa_pass_rate
    union all
    select * from audit_completeness
    union all
    select * from quarantine_rate

)

select * from final
