-- One row per governance KPI x unit of analysis (an AI output, a QA review) with the unit's
-- numerator and denominator, and the raw rows counted per source table and load day for the
-- quarantine rate. Each KPI is one kpi_observation call below (macros/kpi/kpi_observation.sql).
-- reason_understood_pct comes from surveys (the experience layer).
{#- What one unit of each source is, and where it sits in time and in the segments. -#}
{%- set ai_output = {
    'from': 'outputs', 'unit_id': 'output_id', 'observed_at': 'created_at',
    'customer_id': 'customer_id', 'channel': 'touchpoint_type',
    'journey_type': 'touchpoint_journey', 'ai_involved': 'true',
} -%}
{%- set qa_review = {
    'from': 'reviews', 'unit_id': 'review_id', 'observed_at': 'reviewed_at', 'ai_involved': 'true',
} -%}
{#- 21M raw rows at the large scale: counted per table and load day, not listed -#}
{%- set raw_rows_loaded = {
    'from': 'raw_rows', 'observed_at': dbt.date_trunc('day', 'loaded_at'), 'counted': true,
} %}

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

final as (

    -- every AI output, at its creation; channel = the touchpoint type (chat, ticket, email, web):
    -- 1 when it carries a human-readable rationale
    {{ kpi_observation('rationale_coverage', ai_output,
        numerator='case when has_rationale then 1 else 0 end') }}

    union all

    -- every AI output: 1 when it cites a policy
    {{ kpi_observation('policy_reference_coverage', ai_output,
        numerator='case when has_policy_reference then 1 else 0 end') }}

    union all

    -- every AI output: 1 when it shows a confidence indicator
    {{ kpi_observation('confidence_indicator_coverage', ai_output,
        numerator='case when has_confidence_indicator then 1 else 0 end') }}

    union all

    -- outputs whose explanation was shown: 1 when it was opened
    {{ kpi_observation('explanation_ctr', ai_output,
        numerator='case when explanation_opened then 1 else 0 end',
        where='explanation_shown') }}

    union all

    -- outputs shown with a rationale that the customer decided on (accepted is null when there
    -- was nothing to accept or no answer): 1 when accepted
    {{ kpi_observation('explanation_acceptance_rate', ai_output,
        numerator='case when accepted then 1 else 0 end',
        where='explanation_shown and has_rationale and accepted is not null') }}

    union all

    -- outputs a human reviewed: 1 when the human changed or rejected it
    {{ kpi_observation('override_rate', ai_output,
        numerator='case when overridden_by_human then 1 else 0 end',
        where='human_reviewed') }}

    union all

    -- every QA review, at the review: 1 when it passed
    {{ kpi_observation('qa_pass_rate', qa_review,
        numerator="case when result = 'pass' then 1 else 0 end") }}

    union all

    -- every AI output: 1 when every audit field is present
    {{ kpi_observation('audit_completeness', ai_output,
        numerator='case when is_audit_complete then 1 else 0 end') }}

    union all

    {%- set raw_row_kpis = [] %}
    {#- every raw row of every source table, on the day it was loaded (a row whose load time
        cannot be read has no period and is left out): 1 when quarantined #}
    {%- do raw_row_kpis.append({
        'kpi_id': 'quarantine_rate', 'where': 'loaded_at is not null',
        'numerator': 'case when quarantine_reason is not null then 1 else 0 end',
    }) %}
    {{ kpi_counted_observations(raw_rows_loaded, raw_row_kpis) }}

)

select * from final
