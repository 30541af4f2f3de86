-- One row per demo request on the website, with the first demo the same visitor attended in the
-- 14 days after it.
with

events as (

    select * from {{ ref('stg_web_analytics__events') }}

),

sessions as (

    select * from {{ ref('stg_web_analytics__sessions') }}

),

list_demo_events as (

    select
        events.event_id,
        events.event_type,
        events.event_at,
        sessions.session_id,
        sessions.customer_id,
        sessions.anonymous_id,
        sessions.device,
        sessions.channel
    from events
    inner join sessions
        on events.session_id = sessions.session_id
    where events.event_type in ('demo_request', 'demo_attended')

),

find_attendances as (

    -- the same visitor: the same session, customer or browser (anonymous id); an attendance at the
    -- request's own instant or exactly 14 days later still counts
    select
        requests.event_id,
        min(attendances.event_at) as attended_at
    from list_demo_events as requests
    inner join list_demo_events as attendances
        on
            (
                requests.session_id = attendances.session_id
                or requests.customer_id = attendances.customer_id
                or requests.anonymous_id = attendances.anonymous_id
            )
            and requests.event_at <= attendances.event_at
            and {{ dbt.dateadd('day', 14, 'requests.event_at') }} >= attendances.event_at
    where
        requests.event_type = 'demo_request'
        and attendances.event_type = 'demo_attended'
    group by 1

),

find_data_end as (

    -- the last web activity the exports cover; a 14-day window ending after it is still open
    select max(event_at) as data_end_at
    from (
        select event_at from events
        union all
        select started_at as event_at from sessions
    ) as activity

),

final as (

    select
        -- ids
        requests.event_id as demo_request_id,
        requests.session_id,
        requests.customer_id,
        requests.anonymous_id,

        -- strings
        requests.device,
        requests.channel,

        -- booleans
        find_attendances.attended_at is not null as attended_within_14d,
        {{ dbt.dateadd('day', 14, 'requests.event_at') }} <= find_data_end.data_end_at as is_window_closed,

        -- timestamps
        requests.event_at as requested_at,
        find_attendances.attended_at

    from list_demo_events as requests
    cross join find_data_end
    left join find_attendances
        on requests.event_id = find_attendances.event_id
    where requests.event_type = 'demo_request'

)

select * from final
