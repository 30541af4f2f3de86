-- One row per AI output with its governance fields checked, the journey of the touchpoint it was
-- produced at, and the outcome of its latest QA review.
with

outputs as (

    select * from {{ ref('stg_ai_outputs__outputs') }}

),

reviews as (

    select * from {{ ref('stg_qa_reviews__reviews') }}

),

email_sends as (

    select * from {{ ref('int_email_sends_engaged') }}

),

-- a chat output's journey is its conversation's: the chat conversations among the support contacts
chat_conversations as (

    select
        contact_id as conversation_id,
        journey_type
    from {{ ref('int_support_contacts') }}
    where contact_type = 'chat'

),

rank_reviews as (

    select
        output_id,
        review_id,
        result,
        issue_category,
        reviewed_at,
        count(*) over (partition by output_id) as qa_reviews,
        row_number() over (partition by output_id order by reviewed_at desc, review_id desc) as review_rank
    from reviews

),

final as (

    select
        -- ids
        outputs.output_id,
        outputs.customer_id,
        outputs.touchpoint_id,
        outputs.trace_id,
        rank_reviews.review_id as qa_review_id,

        -- strings
        outputs.touchpoint_type,
        outputs.output_type,
        outputs.model_version,
        outputs.rationale_text,
        outputs.policy_reference,
        outputs.prompt_version,
        outputs.logged_by,
        rank_reviews.result as qa_result,
        rank_reviews.issue_category as qa_issue_category,

        -- numerics
        outputs.confidence,

        -- booleans
        outputs.explanation_shown,
        outputs.explanation_opened,
        outputs.accepted,
        outputs.overridden_by_human,
        outputs.human_reviewed,

        -- timestamps
        outputs.created_at,
        rank_reviews.reviewed_at as qa_reviewed_at,

        -- computed last (sqlfluff ST06)
        case outputs.touchpoint_type
            when 'email' then email_sends.journey
            when 'chat' then chat_conversations.journey_type
        end as touchpoint_journey,
        coalesce(rank_reviews.qa_reviews, 0) as qa_reviews,
        coalesce(trim(outputs.rationale_text) <> '', false) as has_rationale,
        coalesce(trim(outputs.policy_reference) <> '', false) as has_policy_reference,
        outputs.confidence is not null as has_confidence_indicator,
        coalesce(
            trim(outputs.trace_id) <> ''
            and trim(outputs.prompt_version) <> ''
            and trim(outputs.logged_by) <> '',
            false
        ) as is_audit_complete

    from outputs
    left join rank_reviews
        on
            outputs.output_id = rank_reviews.output_id
            and rank_reviews.review_rank = 1
    -- joined on the id alone (the touchpoint type picks the journey above): a condition on the
    -- outer side alone makes DuckDB give up the hash join for a nested loop over every pair
    left join email_sends
        on outputs.touchpoint_id = email_sends.send_id
    left join chat_conversations
        on outputs.touchpoint_id = chat_conversations.conversation_id

)

select * from final
