{#
    The segment types of KPI_SPEC section 2 (plus signup cohort and onboarding journey, the AI
    exposure cohort), each with the column of int_kpi_observations that holds it. A KPI is published
    for the segment types its registry row lists in `segments`.
#}
{% macro kpi_segment_types() %}
    {{ return([
        'audience', 'value_tier', 'lifecycle_stage', 'channel', 'device', 'journey_type',
        'intent_stage', 'ai_involved', 'signup_cohort', 'onboarding_journey',
    ]) }}
{% endmacro %}
