with

conversations as (

    select * from {{ ref('stg_chat__conversations') }}

),

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

list_contacts as (

    -- every way a customer gets in touch: a chat conversation or a helpdesk ticket
    select
        conversation_id as contact_id,
        'chat' as contact_type,
        customer_id,
        intent,
        conversation_id as from_conversation_id,
        started_at as contacted_at
    from conversations
    union all
    select
        ticket_id as contact_id,
        'ticket' as contact_type,
        customer_id,
        intent,
        conversation_id as from_conversation_id,
        created_at as contacted_at
    from tickets

),

find_data_end as (

    -- the last contact the exports cover; a 7-day window ending after it is still open
    select max(contacted_at) as data_end_at
    from list_contacts

),

count_recontacts as (

    -- same customer, same intent, within 7 days after this conversation started; the ticket this
    -- conversation's own hand-off created is the same contact, not a new one
    select
        conversations.conversation_id,
        count(list_contacts.contact_id) as recontacts_within_7d
    from conversations
    left join list_contacts
        on
            conversations.customer_id = list_contacts.customer_id
            and conversations.intent = list_contacts.intent
            and conversations.started_at < list_contacts.contacted_at
            and list_contacts.contacted_at <= {{ dbt.dateadd('day', 7, 'conversations.started_at') }}
            and list_contacts.from_conversation_id is distinct from conversations.conversation_id
    group by 1

),

classify_conversations as (

    select
        conversations.conversation_id,
        conversations.customer_id,
        conversations.channel,
        conversations.intent,
        conversations.journey_type,
        conversations.ai_turns,
        conversations.human_turns,
        count_recontacts.recontacts_within_7d,
        conversations.resolved,
        conversations.customer_repeated,
        conversations.started_at,
        conversations.ended_at,
        conversations.handoff_at,
        coalesce(conversations.ai_turns, 0) > 0 as is_ai,
        coalesce(conversations.handed_off, conversations.handoff_at is not null) as handed_off,
        count_recontacts.recontacts_within_7d > 0 as recontacted_within_7d,
        {{ dbt.dateadd('day', 7, 'conversations.started_at') }} <= find_data_end.data_end_at
            as recontact_window_closed
    from conversations
    inner join count_recontacts
        on conversations.conversation_id = count_recontacts.conversation_id
    cross join find_data_end

),

derive_outcomes as (

    select
        *,
        is_ai and resolved and not handed_off and not recontacted_within_7d as contained,
        customer_repeated or recontacted_within_7d as repeat_contact
    from classify_conversations

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
        ai_turns,
        human_turns,
        recontacts_within_7d,

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

    from derive_outcomes

)

select * from final
