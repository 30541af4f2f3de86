-- One row per operational KPI x unit of analysis (a ticket, a support contact, an SLA target, a
-- chat conversation) with the unit's numerator and denominator. Each KPI is one kpi_observation
-- call below (macros/kpi/kpi_observation.sql); times are minutes.
{#- What one unit of each source is, and where it sits in time and in the segments. -#}
{%- set ticket = {
    'from': 'tickets', 'unit_id': 'ticket_id', 'observed_at': 'created_at',
    'customer_id': 'customer_id', 'channel': 'channel', 'intent': 'intent',
    'ai_involved': 'ai_involved',
} -%}
{%- set resolved_ticket = dict(ticket, observed_at='last_solved_at') -%}
{%- set support_contact = {
    'from': 'support_contacts', 'unit_id': 'contact_id', 'observed_at': 'contacted_at',
    'customer_id': 'customer_id', 'channel': 'channel', 'journey_type': 'journey_type',
    'intent': 'intent', 'ai_involved': 'ai_involved',
} -%}
{%- set conversation = {
    'from': 'conversations', 'unit_id': 'conversation_id', 'observed_at': 'started_at',
    'customer_id': 'customer_id', 'channel': 'channel', 'journey_type': 'journey_type',
    'intent': 'intent', 'ai_involved': 'is_ai',
} -%}
{%- set sla_target = {
    'from': 'list_sla_targets', 'unit_id': 'target_id', 'observed_at': 'decided_at',
    'customer_id': 'customer_id', 'channel': 'channel', 'intent': 'intent',
    'ai_involved': 'ai_involved',
} %}

with

tickets as (

    select * from {{ ref('int_tickets_summarised') }}

),

conversations as (

    select * from {{ ref('int_conversations_classified') }}

),

support_contacts as (

    select * from {{ ref('int_support_contacts') }}

),

list_sla_targets as (

    -- one row per completed SLA target (running targets have no outcome yet), at the moment it
    -- was decided: met -> when the response or resolution came; breached -> the deadline
    select
        ticket_id || ':first_reply' as target_id,
        case
            when first_reply_sla_met then first_public_response_at
            else first_reply_due_at
        end as decided_at,
        customer_id,
        channel,
        intent,
        ai_involved,
        first_reply_sla_met as is_met
    from tickets
    where first_reply_sla_met is not null
    union all
    select
        ticket_id || ':resolution' as target_id,
        case
            when resolution_sla_met then last_solved_at
            else resolution_due_at
        end as decided_at,
        customer_id,
        channel,
        intent,
        ai_involved,
        resolution_sla_met as is_met
    from tickets
    where resolution_sla_met is not null

),

final as (

    -- tickets with a public response (AI or human), at creation: minutes from creation to it
    {{ kpi_observation('first_response_time_median', ticket,
        numerator='first_response_minutes',
        where='first_public_response_at is not null') }}

    union all

    -- the same units and values as first_response_time_median; the registry aggregates them by p90
    {{ kpi_observation('first_response_time_p90', ticket,
        numerator='first_response_minutes',
        where='first_public_response_at is not null') }}

    union all

    -- tickets with a public response by a human agent: minutes from creation to it
    {{ kpi_observation('first_human_response_time_median', ticket,
        numerator='first_human_response_minutes',
        where='first_human_public_response_at is not null') }}

    union all

    -- resolved tickets (latest status solved or closed), at their last solve: minutes from
    -- creation to the last solve (else the close)
    {{ kpi_observation('full_resolution_time_median', resolved_ticket,
        numerator='full_resolution_minutes',
        where='is_solved and last_solved_at is not null') }}

    union all

    -- the same units and values as full_resolution_time_median; the registry aggregates them by p90
    {{ kpi_observation('full_resolution_time_p90', resolved_ticket,
        numerator='full_resolution_minutes',
        where='is_solved and last_solved_at is not null') }}

    union all

    -- resolved tickets solved at least once, at their last solve: 1 when reopened (solved more
    -- than once); a ticket solved three times counts once
    {{ kpi_observation('reopen_rate', resolved_ticket,
        numerator='case when reopens > 0 then 1 else 0 end',
        where='is_solved and times_solved >= 1') }}

    union all

    -- support contacts started: 1 when handed from AI to a human or moved up a tier
    {{ kpi_observation('escalation_rate', support_contact,
        numerator='case when is_escalated then 1 else 0 end') }}

    union all

    -- AI conversations whose 7-day recontact window has closed and whose outcome is known: 1 when
    -- resolved without a hand-off and without a same-intent contact within 7 days
    {{ kpi_observation('containment_rate', conversation,
        numerator='case when contained then 1 else 0 end',
        where='is_ai and recontact_window_closed and contained is not null') }}

    union all

    -- completed SLA targets (first reply and resolution): 1 when met
    {{ kpi_observation('sla_attainment_rate', sla_target,
        numerator='case when is_met then 1 else 0 end') }}

)

select * from final
