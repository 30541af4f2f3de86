with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

-- chat conversations come from staging rather than int_conversations_classified, which already
-- feeds three models (STYLE.md: fan-out of at most 3); is_ai is the same rule there: ai_turns > 0
conversations as (

    select * from {{ ref('stg_chat__conversations') }}

),

tickets as (

    select * from {{ ref('int_tickets_summarised') }}

),

email_sends as (

    select * from {{ ref('stg_email__sends') }}

),

ai_outputs as (

    select * from {{ ref('stg_ai_outputs__outputs') }}

),

list_contact_touchpoints as (

    select
        'chat' as touchpoint_type,
        conversation_id as touchpoint_id,
        channel,
        journey_type,
        intent,
        coalesce(ai_turns, 0) > 0 as ai_involved
    from conversations
    union all
    select
        'ticket' as touchpoint_type,
        ticket_id as touchpoint_id,
        channel,
        cast(null as {{ sql_type('varchar') }}) as journey_type,
        intent,
        ai_involved
    from tickets
    union all
    select
        'email' as touchpoint_type,
        send_id as touchpoint_id,
        'email' as channel,
        journey as journey_type,
        journey as intent,
        is_ai_personalised as ai_involved
    from email_sends

),

list_ai_output_touchpoints as (

    -- an AI output takes the channel, journey and intent of the touchpoint it was produced at
    select
        'ai_output' as touchpoint_type,
        ai_outputs.output_id as touchpoint_id,
        list_contact_touchpoints.journey_type,
        list_contact_touchpoints.intent,
        true as ai_involved,
        case
            when ai_outputs.touchpoint_type = 'web' then 'web'
            else list_contact_touchpoints.channel
        end as channel
    from ai_outputs
    left join list_contact_touchpoints
        on
            ai_outputs.touchpoint_type = list_contact_touchpoints.touchpoint_type
            and ai_outputs.touchpoint_id = list_contact_touchpoints.touchpoint_id

),

list_touchpoints as (

    select
        touchpoint_type,
        touchpoint_id,
        channel,
        journey_type,
        intent,
        ai_involved
    from list_contact_touchpoints
    union all
    select
        touchpoint_type,
        touchpoint_id,
        channel,
        journey_type,
        intent,
        ai_involved
    from list_ai_output_touchpoints

),

link_touchpoints as (

    select
        responses.response_id,
        responses.customer_id,
        responses.touchpoint_id,
        responses.survey_type,
        responses.touchpoint_type,
        list_touchpoints.channel as touchpoint_channel,
        list_touchpoints.journey_type as touchpoint_journey_type,
        list_touchpoints.intent as touchpoint_intent,
        responses.answer,
        responses.comment,
        responses.score,
        responses.sent_at,
        responses.answered_at,
        list_touchpoints.touchpoint_id is not null as touchpoint_found,
        case
            when responses.touchpoint_type = 'ai_output' then true
            else list_touchpoints.ai_involved
        end as touchpoint_ai_involved,
        responses.answered_at is not null as is_answered
    from responses
    left join list_touchpoints
        on
            responses.touchpoint_type = list_touchpoints.touchpoint_type
            and responses.touchpoint_id = list_touchpoints.touchpoint_id

),

judge_answers as (

    select
        *,
        is_answered
        and coalesce(
            case survey_type
                when 'csat' then score between 1 and 5
                when 'nps' then score between 0 and 10
                when 'effort' then score between 1 and 7
                when 'reason_understood' then answer in ('yes', 'no')
            end,
            false
        ) as is_valid_answer,
        is_answered and coalesce(trim(comment), '') <> '' as has_comment
    from link_touchpoints

),

classify_answers as (

    select
        *,
        case when survey_type = 'csat' and is_valid_answer then score >= 4 end as is_top2,
        case when survey_type = 'nps' and is_valid_answer then score >= 9 end as is_promoter,
        case when survey_type = 'nps' and is_valid_answer then score <= 6 end as is_detractor
    from judge_answers

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
        score,

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

    from classify_answers

)

select * from final
