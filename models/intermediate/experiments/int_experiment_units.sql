-- One row per experiment x assigned unit (a customer): its variant and the moment of its exposure
-- (the assignment). A unit that cannot be analysed keeps its row with an exclusion_reason.
with

experiments as (

    select * from {{ ref('stg_experiments__experiments') }}

),

variants as (

    select * from {{ ref('stg_experiments__variants') }}

),

assignments as (

    select * from {{ ref('stg_experiments__assignments') }}

),

rank_assignments as (

    -- a unit assigned more than once keeps its first assignment; one assigned to two different
    -- variants of the same experiment cannot be read as either
    select
        experiment_id,
        unit_id,
        assignment_id,
        variant,
        experiment_variant_id,
        assigned_at,
        row_number() over (
            partition by experiment_id, unit_id
            order by assigned_at, assignment_id
        ) as assignment_rank,
        count(*) over (partition by experiment_id, unit_id) as assignments,
        min(variant) over (partition by experiment_id, unit_id)
        <> max(variant) over (partition by experiment_id, unit_id) as has_several_variants
    from assignments

),

judge_units as (

    select
        rank_assignments.experiment_id,
        rank_assignments.unit_id,
        rank_assignments.assignment_id,
        rank_assignments.variant,
        variants.is_control,
        rank_assignments.assignments,
        rank_assignments.assigned_at as exposed_at,
        case
            when rank_assignments.has_several_variants then 'several_variants'
            when experiments.experiment_id is null then 'unknown_experiment'
            when variants.experiment_variant_id is null then 'unknown_variant'
            when
                rank_assignments.assigned_at < experiments.started_at
                or rank_assignments.assigned_at >= experiments.ended_at
                then 'outside_experiment_period'
        end as exclusion_reason
    from rank_assignments
    left join experiments
        on rank_assignments.experiment_id = experiments.experiment_id
    left join variants
        on rank_assignments.experiment_variant_id = variants.experiment_variant_id
    where rank_assignments.assignment_rank = 1

),

final as (

    select
        -- ids
        experiment_id,
        unit_id,
        assignment_id,

        -- strings
        variant,
        exclusion_reason,

        -- numerics
        assignments,

        -- booleans
        is_control,

        -- timestamps
        exposed_at,

        -- computed (after the plain columns, sqlfluff ST06)
        exclusion_reason is null as is_analysed

    from judge_units

)

select * from final
