with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

ticket_events as (

    select * from {{ ref('stg_helpdesk__ticket_events') }}

),

sla_policies as (

    select * from {{ ref('sla_policies') }}

),

helpdesk_moments as (

    select event_at as moment_at from ticket_events
    union all
    select created_at as moment_at from tickets

),

find_data_end as (

    -- the last moment the helpdesk export covers; a target due after it is still running
    select max(moment_at) as data_end_at
    from helpdesk_moments

),

rank_public_responses as (

    -- public comments by a responder (AI agent or human agent); internal notes and the
    -- requester's own comments are not responses
    select
        ticket_id,
        actor_type,
        event_at,
        row_number() over (
            partition by ticket_id
            order by event_at, event_id
        ) as response_number
    from ticket_events
    where
        event_type = 'comment'
        and is_public
        and actor_type in ('ai_agent', 'human_agent')

),

pick_first_responses as (

    select
        ticket_id,
        actor_type as first_responder_type,
        event_at as first_public_response_at
    from rank_public_responses
    where response_number = 1

),

rank_status_changes as (

    select
        ticket_id,
        new_status,
        row_number() over (
            partition by ticket_id
            order by event_at desc, event_id desc
        ) as recency
    from ticket_events
    where event_type = 'status_change'

),

pick_current_statuses as (

    select
        ticket_id,
        new_status as current_status
    from rank_status_changes
    where recency = 1

),

aggregate_events as (

    select
        ticket_id,
        count(
            case when event_type = 'status_change' and new_status = 'solved' then 1 end
        ) as times_solved,
        count(
            case when event_type = 'comment' and is_public and actor_type = 'ai_agent' then 1 end
        ) as ai_public_replies,
        count(
            case when event_type = 'group_change' and new_group_name in ('tier2', 'tier3') then 1 end
        ) as tier_escalations,
        min(
            case when event_type = 'comment' and is_public and actor_type = 'human_agent' then event_at end
        ) as first_human_public_response_at,
        min(
            case when event_type = 'group_change' and new_group_name in ('tier2', 'tier3') then event_at end
        ) as first_tier_escalation_at,
        min(case when event_type = 'status_change' and new_status = 'solved' then event_at end) as first_solved_at,
        max(case when event_type = 'status_change' and new_status = 'solved' then event_at end) as last_solve_at,
        max(case when event_type = 'status_change' and new_status = 'closed' then event_at end) as closed_at
    from ticket_events
    group by 1

),

join_events_to_tickets as (

    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.conversation_id,
        tickets.channel,
        tickets.priority,
        tickets.intent,
        pick_first_responses.first_responder_type,
        pick_current_statuses.current_status,
        sla_policies.first_reply_minutes as first_reply_target_minutes,
        sla_policies.resolution_minutes as resolution_target_minutes,
        tickets.created_at,
        pick_first_responses.first_public_response_at,
        aggregate_events.first_human_public_response_at,
        aggregate_events.first_tier_escalation_at,
        aggregate_events.first_solved_at,
        aggregate_events.last_solve_at,
        aggregate_events.closed_at,
        find_data_end.data_end_at,
        coalesce(aggregate_events.times_solved, 0) as times_solved,
        tickets.conversation_id is not null as is_from_chat_handoff,
        coalesce(aggregate_events.ai_public_replies, 0) > 0 as has_ai_public_reply,
        coalesce(aggregate_events.tier_escalations, 0) > 0 as moved_up_a_tier,
        coalesce(pick_current_statuses.current_status in ('solved', 'closed'), false) as is_solved
    from tickets
    left join pick_first_responses
        on tickets.ticket_id = pick_first_responses.ticket_id
    left join pick_current_statuses
        on tickets.ticket_id = pick_current_statuses.ticket_id
    left join aggregate_events
        on tickets.ticket_id = aggregate_events.ticket_id
    left join sla_policies
        on tickets.priority = sla_policies.priority
    cross join find_data_end

),

derive_outcomes as (

    select
        *,
        greatest(times_solved - 1, 0) as reopens,
        has_ai_public_reply or is_from_chat_handoff as ai_involved,
        moved_up_a_tier or is_from_chat_handoff as escalated,
        coalesce(last_solve_at, closed_at) as last_solved_at,
        {{ dbt.dateadd('minute', 'first_reply_target_minutes', 'created_at') }} as first_reply_due_at,
        {{ dbt.dateadd('minute', 'resolution_target_minutes', 'created_at') }} as resolution_due_at
    from join_events_to_tickets

),

measure_against_targets as (

    select
        *,
        case
            when first_public_response_at is not null then first_public_response_at <= first_reply_due_at
            when first_reply_due_at <= data_end_at then false
        end as first_reply_sla_met,
        case
            when is_solved then last_solved_at <= resolution_due_at
            when resolution_due_at <= data_end_at then false
        end as resolution_sla_met,
        cast(
            {{ dbt.datediff('created_at', 'first_public_response_at', 'millisecond') | trim }}
            as {{ sql_type('double') }}
        ) / 60000.0 as first_response_minutes,
        cast(
            {{ dbt.datediff('created_at', 'first_human_public_response_at', 'millisecond') | trim }}
            as {{ sql_type('double') }}
        ) / 60000.0 as first_human_response_minutes,
        case
            when is_solved then cast(
                {{ dbt.datediff('created_at', 'last_solved_at', 'millisecond') | trim }}
                as {{ sql_type('double') }}
            ) / 60000.0
        end as full_resolution_minutes
    from derive_outcomes

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
        times_solved,
        reopens,
        first_response_minutes,
        first_human_response_minutes,
        full_resolution_minutes,
        first_reply_target_minutes,
        resolution_target_minutes,

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
        resolution_due_at,
        data_end_at

    from measure_against_targets

)

select * from final
