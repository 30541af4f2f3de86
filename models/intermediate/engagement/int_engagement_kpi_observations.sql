-- One row per engagement KPI x unit of analysis (a session, an email send, a demo request, a quote
-- request, an ad campaign-day, a signup, a conversion, an active customer-period) with the unit's
-- numerator and denominator. Each KPI's formula is the CTE named after it; the registry-driven
-- aggregation turns these rows into KPI values.
with

sessions as (

    select * from {{ ref('int_sessions_funnelled') }}

),

email_sends as (

    select * from {{ ref('int_email_sends_engaged') }}

),

demo_requests as (

    select * from {{ ref('int_demo_requests_followed') }}

),

conversions as (

    select * from {{ ref('int_conversions_ai_assisted') }}

),

onboarding as (

    select * from {{ ref('int_onboarding_progress') }}

),

customer_periods as (

    select * from {{ ref('int_customer_periods_tracked') }}

),

campaign_days as (

    select * from {{ ref('stg_ads__campaign_days') }}

),

quote_requests as (

    select * from {{ ref('stg_crm__quote_requests') }}

),

usage_events as (

    select * from {{ ref('stg_product__usage_events') }}

),

-- tickets and chats come through the operational domain's public, contracted marts: the support
-- intermediates and their staging models already feed three models each (STYLE.md fan-out)
tickets as (

    select * from {{ ref('fct_tickets') }}

),

chat_conversations as (

    select * from {{ ref('fct_chat_conversations') }}

),

active_customer_periods as (

    select * from customer_periods
    where is_active_in_period

),

engagement_depth as (

    -- median engaged seconds per web session (known and anonymous), at the session start
    select
        'engagement_depth' as kpi_id,
        started_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        channel,
        device,
        cast(null as varchar) as journey_type,
        landing_page_group as intent,
        cast(null as boolean) as ai_involved,
        cast(engaged_seconds as double) as numerator,
        cast(1 as double) as denominator
    from sessions
    where engaged_seconds is not null

),

pages_per_session as (

    select
        'pages_per_session' as kpi_id,
        started_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        channel,
        device,
        cast(null as varchar) as journey_type,
        landing_page_group as intent,
        cast(null as boolean) as ai_involved,
        cast(pageviews as double) as numerator,
        cast(1 as double) as denominator
    from sessions
    where pageviews is not null

),

scroll_depth as (

    select
        'scroll_depth' as kpi_id,
        started_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        channel,
        device,
        cast(null as varchar) as journey_type,
        landing_page_group as intent,
        cast(null as boolean) as ai_involved,
        cast(scroll_depth_pct as double) as numerator,
        cast(1 as double) as denominator
    from sessions
    where scroll_depth_pct is not null

),

repeat_visit_rate as (

    -- known-customer sessions whose 30-day look-back lies inside the web history
    select
        'repeat_visit_rate' as kpi_id,
        started_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        channel,
        device,
        cast(null as varchar) as journey_type,
        landing_page_group as intent,
        cast(null as boolean) as ai_involved,
        cast(case when has_previous_session_30d then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from sessions
    where customer_id is not null and is_lookback_complete

),

content_save_rate as (

    select
        'content_save_rate' as kpi_id,
        started_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        channel,
        device,
        cast(null as varchar) as journey_type,
        landing_page_group as intent,
        cast(null as boolean) as ai_involved,
        cast(case when has_content_save then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from sessions

),

bounce_rate as (

    -- sessions landing on a key page (seed key_landing_pages)
    select
        'bounce_rate' as kpi_id,
        started_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        channel,
        device,
        cast(null as varchar) as journey_type,
        landing_page_group as intent,
        cast(null as boolean) as ai_involved,
        cast(case when is_bounce then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from sessions
    where is_key_landing_page and is_bounce is not null

),

form_completion_rate as (

    -- sessions that started a form
    select
        'form_completion_rate' as kpi_id,
        started_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        channel,
        device,
        cast(null as varchar) as journey_type,
        landing_page_group as intent,
        cast(null as boolean) as ai_involved,
        cast(case when has_form_complete then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from sessions
    where has_form_start

),

email_reply_rate as (

    -- every send, at the send time
    select
        'email_reply_rate' as kpi_id,
        sent_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        'email' as channel,
        cast(null as varchar) as device,
        journey as journey_type,
        journey as intent,
        is_ai_personalised as ai_involved,
        cast(case when is_replied then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from email_sends

),

qualified_ctr as (

    select
        'qualified_ctr' as kpi_id,
        sent_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        'email' as channel,
        cast(null as varchar) as device,
        journey as journey_type,
        journey as intent,
        is_ai_personalised as ai_involved,
        cast(case when is_qualified_click then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from email_sends

),

demo_completion_rate as (

    -- demo requests whose 14-day window has closed, at the request time
    select
        'demo_completion_rate' as kpi_id,
        requested_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        channel,
        device,
        cast(null as varchar) as journey_type,
        'demo' as intent,
        cast(null as boolean) as ai_involved,
        cast(case when attended_within_14d then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from demo_requests
    where is_window_closed

),

ad_relevance_score as (

    -- impression-weighted relevance per campaign-day, at the report day's start
    select
        'ad_relevance_score' as kpi_id,
        cast(report_date as timestamp) as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        cast(null as varchar) as customer_id,
        channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(ad_relevance_score as double) * impressions as numerator,
        cast(impressions as double) as denominator
    from campaign_days
    where ad_relevance_score is not null and impressions > 0

),

quote_request_quality as (

    -- decided quote requests (pending excluded), at the request time
    select
        'quote_request_quality' as kpi_id,
        requested_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when outcome = 'opportunity' then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from quote_requests
    where outcome in ('opportunity', 'rejected')

),

onboarding_completion_rate as (

    -- signups whose 30 days lie inside the product history, at signup; channel = acquisition channel
    select
        'onboarding_completion_rate' as kpi_id,
        signup_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        acquisition_channel as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        'onboarding' as intent,
        cast(null as boolean) as ai_involved,
        cast(case when completed_within_30d then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from onboarding
    where is_window_observed

),

count_feature_adoptions as (

    select
        active_customer_periods.customer_id,
        active_customer_periods.grain,
        active_customer_periods.period_start,
        count(usage_events.event_id) as features_adopted
    from active_customer_periods
    left join usage_events
        on
            active_customer_periods.customer_id = usage_events.customer_id
            and usage_events.event_type = 'feature_adopted'
            and usage_events.event_at >= cast(active_customer_periods.period_start as timestamp)
            and usage_events.event_at < cast(active_customer_periods.period_end as timestamp)
    group by 1, 2, 3

),

feature_adoption_rate as (

    -- one row per customer active in the period
    select
        'feature_adoption_rate' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when features_adopted > 0 then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from count_feature_adoptions

),

list_support_contacts as (

    -- a ticket created by a chat hand-off continues that conversation: one contact, counted once
    -- through the conversation (the rule escalation_rate uses too)
    select
        tickets.ticket_id as contact_id,
        tickets.customer_id,
        tickets.created_at as contacted_at
    from tickets
    left join chat_conversations as handed_off_from
        on tickets.conversation_id = handed_off_from.conversation_id
    where handed_off_from.conversation_id is null
    union all
    select
        conversation_id as contact_id,
        customer_id,
        started_at as contacted_at
    from chat_conversations

),

count_support_contacts as (

    select
        active_customer_periods.customer_id,
        active_customer_periods.grain,
        active_customer_periods.period_start,
        count(list_support_contacts.contact_id) as support_contacts
    from active_customer_periods
    left join list_support_contacts
        on
            active_customer_periods.customer_id = list_support_contacts.customer_id
            and list_support_contacts.contacted_at >= cast(active_customer_periods.period_start as timestamp)
            and list_support_contacts.contacted_at < cast(active_customer_periods.period_end as timestamp)
    group by 1, 2, 3

),

support_contacts_per_active_customer as (

    -- one row per customer active in the period: its tickets + chat conversations over 1
    select
        'support_contacts_per_active_customer' as kpi_id,
        cast(null as timestamp) as observed_at,
        grain,
        period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(support_contacts as double) as numerator,
        cast(1 as double) as denominator
    from count_support_contacts

),

assisted_conversion_rate as (

    -- conversions whose 30-day look-back lies inside the touch history, at the conversion time
    select
        'assisted_conversion_rate' as kpi_id,
        converted_at as observed_at,
        cast(null as varchar) as grain,
        cast(null as date) as period_start,
        customer_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as device,
        cast(null as varchar) as journey_type,
        cast(null as varchar) as intent,
        cast(null as boolean) as ai_involved,
        cast(case when has_ai_touch_30d then 1 else 0 end as double) as numerator,
        cast(1 as double) as denominator
    from conversions
    where is_lookback_complete

),

final as (

    select * from engagement_depth
    union all
    select * from pages_per_session
    union all
    select * from scroll_depth
    union all
    select * from repeat_visit_rate
    union all
    select * from email_reply_rate
    union all
    select * from qualified_ctr
    union all
    select * from content_save_rate
    union all
    select * from demo_completion_rate
    union all
    select * from bounce_rate
    union all
    select * from ad_relevance_score
    union all
    select * from form_completion_rate
    union all
    select * from quote_request_quality
    union all
    select * from onboarding_completion_rate
    union all
    select * from feature_adoption_rate
    union all
    select * from support_contacts_per_active_customer
    union all
    select * from assisted_conversion_rate

)

select * from final
