-- One row per email send with what the recipient did with it, and whether a click led to an
-- engaged visit (a qualified click).
with

sends as (

    select * from {{ ref('stg_email__sends') }}

),

events as (

    select * from {{ ref('stg_email__events') }}

),

sessions as (

    select * from {{ ref('int_sessions_funnelled') }}

),

summarise_events as (

    select
        send_id,
        min(case when event_type = 'open' then event_at end) as first_opened_at,
        min(case when event_type = 'click' then event_at end) as first_clicked_at,
        min(case when event_type = 'reply' then event_at end) as first_replied_at,
        min(case when event_type = 'unsubscribe' then event_at end) as unsubscribed_at
    from events
    group by 1

),

find_qualified_clicks as (

    -- a click followed within 24 hours (both ends included) by a web session of the same customer
    -- that came from email and lasted 30 engaged seconds or more
    select
        clicks.send_id,
        min(sessions.started_at) as qualified_session_at
    from events as clicks
    inner join sends
        on clicks.send_id = sends.send_id
    inner join sessions
        on
            sends.customer_id = sessions.customer_id
            and sessions.channel = 'email'
            and sessions.engaged_seconds >= 30
            and clicks.event_at <= sessions.started_at
            and {{ dbt.dateadd('hour', 24, 'clicks.event_at') }} >= sessions.started_at
    where clicks.event_type = 'click'
    group by 1

),

final as (

    select
        -- ids
        sends.send_id,
        sends.customer_id,
        sends.campaign_id,

        -- strings
        sends.journey,

        -- booleans
        sends.is_ai_personalised,
        sends.has_reason_line,

        -- timestamps
        sends.sent_at,
        summarise_events.first_opened_at,
        summarise_events.first_clicked_at,
        summarise_events.first_replied_at,
        summarise_events.unsubscribed_at,
        find_qualified_clicks.qualified_session_at,

        -- computed last (sqlfluff ST06)
        summarise_events.first_opened_at is not null as is_opened,
        summarise_events.first_clicked_at is not null as is_clicked,
        summarise_events.first_replied_at is not null as is_replied,
        summarise_events.unsubscribed_at is not null as is_unsubscribed,
        find_qualified_clicks.send_id is not null as is_qualified_click

    from sends
    left join summarise_events
        on sends.send_id = summarise_events.send_id
    left join find_qualified_clicks
        on sends.send_id = find_qualified_clicks.send_id

)

select * from final
