with

source as (

    select * from {{ ref('base_web_analytics__sessions') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        session_id,
        customer_id,
        anonymous_id,

        -- strings
        device,
        channel,
        utm_campaign,
        landing_page,

        -- numerics
        pageviews,
        scroll_depth_pct,
        engaged_seconds,

        -- booleans
        is_bounce,

        -- timestamps
        started_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
