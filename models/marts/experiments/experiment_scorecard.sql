-- One row per experiment x variant x metric x read window (weeks after exposure), against the
-- experiment's control: the arms' values, the lift with its 95% interval and p-values (from
-- int_experiment_arms_tested), the guards (minimum sample, sample-ratio mismatch), guardrail
-- breaches and the decision for the variant in the read window.
{%- set alpha = var('experiment_alpha') %}
{%- set srm_alpha = var('experiment_srm_alpha') %}
with

arms as (

    select * from {{ ref('int_experiment_arms_tested') }}

),

join_control as (

    -- the minimum-sample guard holds for a comparison when both its arms meet it
    select
        arms.*,
        coalesce(controls.has_min_sample, false) as control_has_min_sample
    from arms
    left join arms as controls
        on
            arms.experiment_id = controls.experiment_id
            and arms.metric = controls.metric
            and arms.weeks_after_exposure = controls.weeks_after_exposure
            and controls.is_control

),

judge_metrics as (

    select
        *,
        case
            when is_control then 'control'
            when not (has_min_sample and control_has_min_sample) then 'insufficient_sample'
            when p_value_adjusted is null then 'not_testable'
            when p_value_adjusted >= {{ alpha }} then 'no_change'
            when (lift_abs > 0) = (direction = 'higher_is_better') then 'better'
            else 'worse'
        end as metric_outcome
    from join_control

),

summarise_variants as (

    -- what moved, by family, for each treatment variant in each read window
    select
        experiment_id,
        variant,
        weeks_after_exposure,
        max(srm_p_value) as srm_p_value,
        max(case when is_primary then metric_outcome end) as primary_outcome,
        max(case when metric_family = 'commercial' and metric_outcome = 'better' then 1 else 0 end)
        = 1 as commercial_better,
        max(case when metric_family = 'commercial' and metric_outcome = 'worse' then 1 else 0 end)
        = 1 as commercial_worse,
        max(
            case when metric_family = 'human_centric' and metric_outcome = 'better' then 1 else 0 end
        ) = 1 as human_better,
        max(
            case when metric_family = 'human_centric' and metric_outcome = 'worse' then 1 else 0 end
        ) = 1 as human_worse,
        max(case when is_guardrail and metric_outcome = 'worse' then 1 else 0 end)
        = 1 as guardrail_breached
    from judge_metrics
    where not is_control
    group by 1, 2, 3

),

decide as (

    -- in this order: a broken split voids the read; a win in one family with a loss in the other
    -- is a trade-off; any other loss (a breached guardrail included) stops the variant; a better
    -- primary metric ships it; anything else is inconclusive
    select
        experiment_id,
        variant,
        weeks_after_exposure,
        case
            when srm_p_value < {{ srm_alpha }} then 'inconclusive'
            when (commercial_better and human_worse) or (human_better and commercial_worse)
                then 'trade_off'
            when commercial_worse or human_worse then 'do_not_ship'
            when primary_outcome = 'better' then 'ship'
            else 'inconclusive'
        end as decision,
        case
            when srm_p_value < {{ srm_alpha }}
                then 'sample-ratio mismatch: the split differs from the configured weights'
            when commercial_better and human_worse
                then 'trade-off: a commercial metric is better and a human-centric one worse'
            when human_better and commercial_worse
                then 'trade-off: a human-centric metric is better and a commercial one worse'
            when guardrail_breached then 'guardrail breached'
            when commercial_worse or human_worse then 'a metric is significantly worse'
            when primary_outcome = 'better' then 'primary metric better, no metric worse'
            when primary_outcome = 'insufficient_sample'
                then 'primary metric below the minimum sample'
            when primary_outcome is null then 'no primary metric'
            else 'no significant change in the primary metric'
        end as decision_reason
    from summarise_variants

),

final as (

    select
        -- ids
        judge_metrics.experiment_id,
        judge_metrics.variant,
        judge_metrics.metric,
        judge_metrics.kpi_id,

        -- strings
        judge_metrics.metric_kind,
        judge_metrics.metric_family,
        judge_metrics.role as metric_role,
        judge_metrics.direction,
        judge_metrics.metric_outcome,
        decide.decision,
        decide.decision_reason,

        -- numerics
        judge_metrics.weeks_after_exposure,
        judge_metrics.assigned_units,
        judge_metrics.units,
        judge_metrics.value,
        judge_metrics.control_units,
        judge_metrics.control_value,
        judge_metrics.lift_abs,
        judge_metrics.lift_rel,
        judge_metrics.standard_error,
        judge_metrics.test_statistic,
        judge_metrics.degrees_of_freedom,
        judge_metrics.ci_low,
        judge_metrics.ci_high,
        judge_metrics.p_value,
        judge_metrics.p_value_adjusted,
        judge_metrics.srm_p_value,

        -- booleans
        judge_metrics.is_control,
        judge_metrics.is_primary,
        judge_metrics.is_guardrail,
        judge_metrics.weeks_after_exposure = {{ var('experiment_decision_weeks') }} as is_decision_read,
        judge_metrics.has_min_sample and judge_metrics.control_has_min_sample as has_min_sample,
        coalesce(judge_metrics.p_value_adjusted < {{ alpha }}, false) as is_significant,
        judge_metrics.is_guardrail and judge_metrics.metric_outcome = 'worse' as is_guardrail_breached,
        coalesce(judge_metrics.srm_p_value < {{ srm_alpha }}, false) as is_sample_ratio_mismatch

    from judge_metrics
    left join decide
        on
            judge_metrics.experiment_id = decide.experiment_id
            and judge_metrics.variant = decide.variant
            and judge_metrics.weeks_after_exposure = decide.weeks_after_exposure

)

select * from final
