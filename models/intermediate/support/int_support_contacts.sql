-- One row per support contact a customer started: every chat conversation, and every helpdesk
-- ticket that does not continue a known chat conversation (a ticket created by a chat hand-off is
-- that conversation's escalation, one contact counted once, through the conversation).
with

tickets as (

    select * from {{ ref('int_tickets_summarised') }}

),

conversations as (

    select * from {{ ref('int_conversations_classified') }}

),

list_conversations as (

    select
        conversation_id as contact_id,
        'chat' as contact_type,
        customer_id,
        channel,
        journey_type,
        intent,
        is_ai as ai_involved,
        handed_off as is_escalated,
        started_at as contacted_at
    from conversations

),

list_tickets as (

    select
        tickets.ticket_id as contact_id,
        'ticket' as contact_type,
        tickets.customer_id,
        tickets.channel,
        cast(null as {{ sql_type('varchar') }}) as journey_type,
        tickets.intent,
        tickets.ai_involved,
        tickets.escalated as is_escalated,
        tickets.created_at as contacted_at
    from tickets
    left join conversations
        on tickets.conversation_id = conversations.conversation_id
    where conversations.conversation_id is null

),

final as (

    select
        -- ids
        contact_id,
        customer_id,

        -- strings
        contact_type,
        channel,
        journey_type,
        intent,

        -- booleans
        ai_involved,
        is_escalated,

        -- timestamps
        contacted_at
    from list_conversations
    union all
    select
        contact_id,
        customer_id,
        contact_type,
        channel,
        journey_type,
        intent,
        ai_involved,
        is_escalated,
        contacted_at
    from list_tickets

)

select * from final
