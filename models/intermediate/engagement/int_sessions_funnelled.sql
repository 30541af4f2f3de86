-- One row per web session with its funnel events as flags, its landing-page group and whether the
-- same customer visited in the 30 days before.
with

sessions as (

    select * from {{ ref('stg_web_analytics__sessions') }}

),

events as (

    select * from {{ ref('stg_web_analytics__events') }}

),

key_landing_pages as (

    select * from {{ ref('key_landing_pages') }}

),

group_landing_pages as (

    -- the page group is the first path segment (`/features/ai-assistant` -> features; `/` -> home)
    select
        session_id,
        coalesce(
            nullif({{ dbt.split_part(
                dbt.split_part("ltrim(lower(trim(landing_page)), '/')", "'?'", 1), "'/'", 1) }}, ''),
            'home'
        ) as landing_page_group
    from sessions
    where landing_page is not null

),

flag_events as (

    select
        session_id,
        count(case when event_type = 'content_save' then 1 end) > 0 as has_content_save,
        count(case when event_type = 'form_start' then 1 end) > 0 as has_form_start,
        count(case when event_type = 'form_complete' then 1 end) > 0 as has_form_complete,
        count(case when event_type = 'demo_request' then 1 end) > 0 as has_demo_request,
        count(case when event_type = 'quote_request' then 1 end) > 0 as has_quote_request
    from events
    group by 1

),

find_previous_sessions as (

    -- a visit of the same customer that started earlier (not at the same instant) within 30 days
    select
        this_session.session_id,
        count(previous_session.session_id) > 0 as has_previous_session_30d
    from sessions as this_session
    left join sessions as previous_session
        on
            this_session.customer_id = previous_session.customer_id
            and this_session.started_at > previous_session.started_at
            and {{ dbt.dateadd('day', -30, 'this_session.started_at') }} <= previous_session.started_at
    where this_session.customer_id is not null
    group by 1

),

find_web_history as (

    select min(started_at) as web_history_start
    from sessions

),

final as (

    select
        -- ids
        sessions.session_id,
        sessions.customer_id,
        sessions.anonymous_id,

        -- strings
        sessions.device,
        sessions.channel,
        sessions.utm_campaign,
        sessions.landing_page,
        group_landing_pages.landing_page_group,

        -- numerics
        sessions.pageviews,
        sessions.scroll_depth_pct,
        sessions.engaged_seconds,

        -- booleans
        sessions.is_bounce,
        sessions.engaged_seconds >= 30 as is_engaged,
        key_landing_pages.page_group is not null as is_key_landing_page,
        coalesce(flag_events.has_content_save, false) as has_content_save,
        coalesce(flag_events.has_form_start, false) as has_form_start,
        coalesce(flag_events.has_form_complete, false) as has_form_complete,
        coalesce(flag_events.has_demo_request, false) as has_demo_request,
        coalesce(flag_events.has_quote_request, false) as has_quote_request,
        find_previous_sessions.has_previous_session_30d,
        -- the 30-day look-back lies inside the web history
        sessions.started_at >= {{ dbt.dateadd('day', 30, 'find_web_history.web_history_start') }}
            as is_lookback_complete,

        -- timestamps
        sessions.started_at

    from sessions
    cross join find_web_history
    left join group_landing_pages
        on sessions.session_id = group_landing_pages.session_id
    left join key_landing_pages
        on group_landing_pages.landing_page_group = key_landing_pages.page_group
    left join flag_events
        on sessions.session_id = flag_events.session_id
    left join find_previous_sessions
        on sessions.session_id = find_previous_sessions.session_id

)

select * from final
