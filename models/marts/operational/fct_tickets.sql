with

tickets as (

    select * from {{ ref('int_tickets_summarised') }}

),

final as (

    select
        -- ids
        ticket_id,
        customer_id,
        conversation_id,

        -- strings
        channel,
        priority,
        intent,
        first_responder_type,
        current_status,

        -- numerics
        cast(times_solved as integer) as times_solved,
        cast(reopens as integer) as reopens,
        first_response_minutes,
        first_human_response_minutes,
        full_resolution_minutes,
        cast(first_reply_target_minutes as integer) as first_reply_target_minutes,
        cast(resolution_target_minutes as integer) as resolution_target_minutes,

        -- booleans
        is_from_chat_handoff,
        has_ai_public_reply,
        ai_involved,
        moved_up_a_tier,
        escalated,
        is_solved,
        first_reply_sla_met,
        resolution_sla_met,

        -- timestamps
        created_at,
        first_public_response_at,
        first_human_public_response_at,
        first_tier_escalation_at,
        first_solved_at,
        last_solved_at,
        closed_at,
        first_reply_due_at,
        resolution_due_at

    from tickets

)

select * from final
