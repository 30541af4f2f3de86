with

tickets as (

    select * from {{ ref('int_tickets_summarised') }}

),

conversations as (

    select * from {{ ref('int_conversations_classified') }}

),

first_response_time_median as (

    -- one row per ticket with a public response (AI or human): minutes from creation to it
    select
        'first_response_time_median' as kpi_id,
        created_at as observed_at,
        customer_id,
        channel,
        cast(null as varchar) as journey_type,
        intent,
        ai_involved,
        1 as denominator,
        first_response_minutes as numerator
    from tickets
    where first_public_response_at is not null

),

first_response_time_p90 as (

    -- the same units and values as first_response_time_median (defined there, once); the registry
    -- aggregates them by p90
    select
        'first_response_time_p90' as kpi_id,
        observed_at,
        customer_id,
        channel,
        journey_type,
        intent,
        ai_involved,
        denominator,
        numerator
    from first_response_time_median

),

first_human_response_time_median as (

    -- one row per ticket with a public response by a human agent: minutes from creation to it
    select
        'first_human_response_time_median' as kpi_id,
        created_at as observed_at,
        customer_id,
        channel,
        cast(null as varchar) as journey_type,
        intent,
        ai_involved,
        1 as denominator,
        first_human_response_minutes as numerator
    from tickets
    where first_human_public_response_at is not null

),

full_resolution_time_median as (

    -- one row per resolved ticket (latest status solved or closed), at its last solve: minutes
    -- from creation to the last solve (else the close)
    select
        'full_resolution_time_median' as kpi_id,
        last_solved_at as observed_at,
        customer_id,
        channel,
        cast(null as varchar) as journey_type,
        intent,
        ai_involved,
        1 as denominator,
        full_resolution_minutes as numerator
    from tickets
    where is_solved and last_solved_at is not null

),

full_resolution_time_p90 as (

    -- the same units and values as full_resolution_time_median (defined there, once); the registry
    -- aggregates them by p90
    select
        'full_resolution_time_p90' as kpi_id,
        observed_at,
        customer_id,
        channel,
        journey_type,
        intent,
        ai_involved,
        denominator,
        numerator
    from full_resolution_time_median

),

reopen_rate as (

    -- one row per resolved ticket solved at least once, at its last solve: 1 when it was
    -- reopened (solved more than once); a ticket solved three times counts once
    select
        'reopen_rate' as kpi_id,
        last_solved_at as observed_at,
        customer_id,
        channel,
        cast(null as varchar) as journey_type,
        intent,
        ai_involved,
        1 as denominator,
        case when reopens > 0 then 1 else 0 end as numerator
    from tickets
    where is_solved and times_solved >= 1

),

list_escalation_units as (

    -- contacts started: every chat conversation, and every ticket that is not the continuation
    -- of a known chat conversation (a hand-off ticket is the conversation's escalation, already
    -- counted once through the conversation)
    select
        conversations.started_at as observed_at,
        conversations.customer_id,
        conversations.channel,
        conversations.journey_type,
        conversations.intent,
        conversations.is_ai as ai_involved,
        conversations.handed_off as is_escalated
    from conversations
    union all
    select
        tickets.created_at as observed_at,
        tickets.customer_id,
        tickets.channel,
        cast(null as varchar) as journey_type,
        tickets.intent,
        tickets.ai_involved,
        tickets.escalated as is_escalated
    from tickets
    left join conversations
        on tickets.conversation_id = conversations.conversation_id
    where conversations.conversation_id is null

),

escalation_rate as (

    -- one row per contact started: 1 when handed from AI to a human or moved up a tier
    select
        'escalation_rate' as kpi_id,
        observed_at,
        customer_id,
        channel,
        journey_type,
        intent,
        ai_involved,
        1 as denominator,
        case when is_escalated then 1 else 0 end as numerator
    from list_escalation_units

),

containment_rate as (

    -- one row per AI conversation whose 7-day recontact window has closed and whose outcome is
    -- known: 1 when resolved without a hand-off and without a same-intent contact within 7 days
    select
        'containment_rate' as kpi_id,
        started_at as observed_at,
        customer_id,
        channel,
        journey_type,
        intent,
        is_ai as ai_involved,
        1 as denominator,
        case when contained then 1 else 0 end as numerator
    from conversations
    where is_ai and recontact_window_closed and contained is not null

),

list_sla_targets as (

    -- one row per completed SLA target (running targets have no outcome yet), at the moment it
    -- was decided: met -> when the response or resolution came; breached -> the deadline
    select
        case
            when first_reply_sla_met then first_public_response_at
            else first_reply_due_at
        end as observed_at,
        customer_id,
        channel,
        intent,
        ai_involved,
        first_reply_sla_met as is_met
    from tickets
    where first_reply_sla_met is not null
    union all
    select
        case
            when resolution_sla_met then last_solved_at
            else resolution_due_at
        end as observed_at,
        customer_id,
        channel,
        intent,
        ai_involved,
        resolution_sla_met as is_met
    from tickets
    where resolution_sla_met is not null

),

sla_attainment_rate as (

    -- one row per completed target (first reply and resolution): 1 when met
    select
        'sla_attainment_rate' as kpi_id,
        observed_at,
        customer_id,
        channel,
        cast(null as varchar) as journey_type,
        intent,
        ai_involved,
        1 as denominator,
        case when is_met then 1 else 0 end as numerator
    from list_sla_targets

),

{%- set kpis = [
    'first_response_time_median', 'first_response_time_p90', 'first_human_response_time_median',
    'full_resolution_time_median', 'full_resolution_time_p90', 'reopen_rate', 'escalation_rate',
    'containment_rate', 'sla_attainment_rate',
] %}

final as (

    -- the observation contract (spec/kpi_observations.md), in its column order
    {%- for kpi in kpis %}
    select
        cast(kpi_id as varchar) as kpi_id,
        cast(observed_at as timestamp) as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        cast(customer_id as varchar) as customer_id,
        cast(channel as varchar) as channel,
        cast(null as varchar) as device,
        cast(journey_type as varchar) as journey_type,
        cast(intent as varchar) as intent,
        cast(ai_involved as boolean) as ai_involved,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator
    from {{ kpi }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
