-- One row per AI output with its governance fields and the outcome of its latest QA review.
with

outputs as (

    select * from {{ ref('int_ai_outputs_reviewed') }}

),

final as (

    select
        -- ids
        output_id,
        touchpoint_id,
        trace_id,
        qa_review_id,

        -- strings
        touchpoint_type,
        touchpoint_journey,
        output_type,
        model_version,
        rationale_text,
        policy_reference,
        prompt_version,
        logged_by,
        qa_result,
        qa_issue_category,

        -- numerics
        confidence,
        qa_reviews,

        -- booleans
        has_rationale,
        has_policy_reference,
        has_confidence_indicator,
        is_audit_complete,
        explanation_shown,
        explanation_opened,
        accepted,
        human_reviewed,
        overridden_by_human,

        -- timestamps
        created_at,
        qa_reviewed_at,

        -- computed last (sqlfluff ST06); no customer points to the missing member
        coalesce(customer_id, '_unknown') as customer_id,
        qa_result = 'pass' as is_qa_passed

    from outputs

)

select * from final
