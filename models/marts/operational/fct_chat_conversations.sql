with

conversations as (

    select * from {{ ref('int_conversations_classified') }}

),

final as (

    select
        -- ids
        conversation_id,
        customer_id,

        -- strings
        channel,
        intent,
        journey_type,

        -- numerics
        cast(ai_turns as integer) as ai_turns,
        cast(human_turns as integer) as human_turns,
        cast(recontacts_within_7d as integer) as recontacts_within_7d,

        -- booleans
        is_ai,
        handed_off,
        resolved,
        customer_repeated,
        recontacted_within_7d,
        recontact_window_closed,
        contained,
        repeat_contact,

        -- timestamps
        started_at,
        ended_at,
        handoff_at

    from conversations

)

select * from final
