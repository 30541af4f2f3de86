-- One row per web session with its funnel flags; anonymous visits point to the missing customer.
with

sessions as (

    select * from {{ ref('int_sessions_funnelled') }}

),

final as (

    select
        -- ids
        session_id,
        anonymous_id,

        -- strings
        device,
        channel,
        utm_campaign,
        landing_page,
        landing_page_group,

        -- numerics
        pageviews,
        scroll_depth_pct,
        engaged_seconds,

        -- booleans
        is_bounce,
        is_engaged,
        is_key_landing_page,
        has_content_save,
        has_form_start,
        has_form_complete,
        has_demo_request,
        has_quote_request,
        has_previous_session_30d,

        -- timestamps
        started_at,

        -- computed last (sqlfluff ST06): anonymous visits point to the missing member
        coalesce(customer_id, '_unknown') as customer_id,
        customer_id is null as is_anonymous

    from sessions

)

select * from final
