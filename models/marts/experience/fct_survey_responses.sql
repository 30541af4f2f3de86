with

survey_responses as (

    select * from {{ ref('int_survey_responses_linked') }}

),

final as (

    select
        -- ids
        response_id,
        customer_id,
        touchpoint_id,

        -- strings
        survey_type,
        touchpoint_type,
        touchpoint_channel,
        touchpoint_journey_type,
        touchpoint_intent,
        answer,
        comment,

        -- numerics
        cast(score as integer) as score,

        -- booleans
        touchpoint_found,
        touchpoint_ai_involved,
        is_answered,
        is_valid_answer,
        has_comment,
        is_top2,
        is_promoter,
        is_detractor,

        -- timestamps
        sent_at,
        answered_at

    from survey_responses

)

select * from final
