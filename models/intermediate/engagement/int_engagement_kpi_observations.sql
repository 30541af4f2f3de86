-- One row per engagement KPI x unit of analysis (a session, an email send, a demo request, a quote
-- request, an ad campaign-day, a signup, a conversion) with the unit's numerator and denominator,
-- and the customers active in a period counted per period and customer segment. Each KPI is one
-- kpi_observation call below (macros/kpi/kpi_observation.sql).
{#- What one unit of each source is, and where it sits in time and in the segments. -#}
{%- set session = {
    'from': 'sessions', 'unit_id': 'session_id', 'observed_at': 'started_at',
    'customer_id': 'customer_id', 'channel': 'channel', 'device': 'device',
    'intent': 'landing_page_group',
} -%}
{%- set email_send = {
    'from': 'email_sends', 'unit_id': 'send_id', 'observed_at': 'sent_at',
    'customer_id': 'customer_id', 'channel': "'email'", 'journey_type': 'journey',
    'intent': 'journey', 'ai_involved': 'is_ai_personalised',
} -%}
{%- set demo_request = {
    'from': 'demo_requests', 'unit_id': 'demo_request_id', 'observed_at': 'requested_at',
    'customer_id': 'customer_id', 'channel': 'channel', 'device': 'device', 'intent': "'demo'",
} -%}
{%- set campaign_day = {
    'from': 'campaign_days', 'unit_id': 'campaign_day_id',
    'observed_at': 'cast(report_date as timestamp)', 'channel': 'channel',
} -%}
{%- set quote_request = {
    'from': 'quote_requests', 'unit_id': 'quote_request_id', 'observed_at': 'requested_at',
    'customer_id': 'customer_id',
} -%}
{%- set signup = {
    'from': 'onboarding', 'unit_id': 'customer_id', 'observed_at': 'signup_at',
    'customer_id': 'customer_id', 'channel': 'acquisition_channel', 'intent': "'onboarding'",
} -%}
{%- set conversion = {
    'from': 'conversions', 'unit_id': 'conversion_id', 'observed_at': 'converted_at',
    'customer_id': 'customer_id',
} -%}
{#- customers active in a period: counted per period and customer segment, not listed -#}
{%- set active_customer_period = {
    'from': 'count_period_activity', 'grain': 'grain', 'period_start': 'period_start',
    'audience': 'audience', 'value_tier': 'value_tier', 'signup_cohort': 'signup_cohort',
    'onboarding_journey': 'onboarding_journey', 'counted': true,
} %}

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

support_contacts as (

    select * from {{ ref('int_support_contacts') }}

),

count_feature_adoptions as (

    {{ events_per_customer_period('usage_events', 'event_at', where="event_type = 'feature_adopted'") }}

),

count_support_contacts as (

    {{ events_per_customer_period('support_contacts', 'contacted_at') }}

),

count_period_activity as (

    -- every customer active at some moment of the period, with what it did in the period
    select
        customer_periods.grain,
        customer_periods.period_start,
        customer_periods.audience,
        customer_periods.value_tier,
        customer_periods.signup_cohort,
        customer_periods.onboarding_journey,
        coalesce(count_feature_adoptions.events, 0) as features_adopted,
        coalesce(count_support_contacts.events, 0) as support_contacts
    from customer_periods
    left join count_feature_adoptions
        on
            customer_periods.customer_id = count_feature_adoptions.customer_id
            and customer_periods.grain = count_feature_adoptions.grain
            and customer_periods.period_start = count_feature_adoptions.period_start
    left join count_support_contacts
        on
            customer_periods.customer_id = count_support_contacts.customer_id
            and customer_periods.grain = count_support_contacts.grain
            and customer_periods.period_start = count_support_contacts.period_start
    where customer_periods.is_active_in_period

),

final as (

    -- web sessions (known and anonymous) with engaged time, at the session start: the engaged
    -- seconds (the registry aggregates them by median)
    {{ kpi_observation('engagement_depth', session,
        numerator='engaged_seconds',
        where='engaged_seconds is not null') }}

    union all

    -- web sessions with a pageview count: the pageviews
    {{ kpi_observation('pages_per_session', session,
        numerator='pageviews',
        where='pageviews is not null') }}

    union all

    -- web sessions with a scroll depth: the deepest scroll, percent
    {{ kpi_observation('scroll_depth', session,
        numerator='scroll_depth_pct',
        where='scroll_depth_pct is not null') }}

    union all

    -- known-customer sessions whose 30-day look-back lies inside the web history: 1 when the
    -- customer had another session in the 30 days before
    {{ kpi_observation('repeat_visit_rate', session,
        numerator='case when has_previous_session_30d then 1 else 0 end',
        where='customer_id is not null and is_lookback_complete') }}

    union all

    -- every email send, at the send time: 1 when replied to
    {{ kpi_observation('email_reply_rate', email_send,
        numerator='case when is_replied then 1 else 0 end') }}

    union all

    -- every email send: 1 when a click was followed by an engaged session
    {{ kpi_observation('qualified_ctr', email_send,
        numerator='case when is_qualified_click then 1 else 0 end') }}

    union all

    -- every web session: 1 when content was saved
    {{ kpi_observation('content_save_rate', session,
        numerator='case when has_content_save then 1 else 0 end') }}

    union all

    -- demo requests whose 14-day window has closed, at the request: 1 when attended within it
    {{ kpi_observation('demo_completion_rate', demo_request,
        numerator='case when attended_within_14d then 1 else 0 end',
        where='is_window_closed') }}

    union all

    -- sessions landing on a key page (seed key_landing_pages): 1 when bounced
    {{ kpi_observation('bounce_rate', session,
        numerator='case when is_bounce then 1 else 0 end',
        where='is_key_landing_page and is_bounce is not null') }}

    union all

    -- campaign-days with a relevance score and impressions, at the report day's start: the
    -- impression-weighted relevance (a ratio of sums)
    {{ kpi_observation('ad_relevance_score', campaign_day,
        numerator='cast(ad_relevance_score as ' ~ sql_type('double') ~ ') * impressions',
        denominator='impressions',
        where='ad_relevance_score is not null and impressions > 0') }}

    union all

    -- sessions that started a form: 1 when the form was completed
    {{ kpi_observation('form_completion_rate', session,
        numerator='case when has_form_complete then 1 else 0 end',
        where='has_form_start') }}

    union all

    -- decided quote requests (pending excluded), at the request: 1 when it became an opportunity
    {{ kpi_observation('quote_request_quality', quote_request,
        numerator="case when outcome = 'opportunity' then 1 else 0 end",
        where="outcome in ('opportunity', 'rejected')") }}

    union all

    -- signups whose 30 days lie inside the product history, at signup (channel = acquisition
    -- channel): 1 when onboarding was completed within 30 days
    {{ kpi_observation('onboarding_completion_rate', signup,
        numerator='case when completed_within_30d then 1 else 0 end',
        where='is_window_observed') }}

    union all

    {%- set active_customer_period_kpis = [] %}
    {#- customers active in the period: 1 when they adopted a feature in it #}
    {%- do active_customer_period_kpis.append({
        'kpi_id': 'feature_adoption_rate',
        'numerator': 'case when features_adopted > 0 then 1 else 0 end',
    }) %}
    {#- customers active in the period: their support contacts in it (tickets + chat
        conversations, a hand-off counted once) over 1 #}
    {%- do active_customer_period_kpis.append({
        'kpi_id': 'support_contacts_per_active_customer', 'numerator': 'support_contacts',
    }) %}
    {{ kpi_counted_observations(active_customer_period, active_customer_period_kpis) }}

    union all

    -- conversions whose 30-day look-back lies inside the touch history, at the conversion: 1 when
    -- an AI touch preceded it within 30 days
    {{ kpi_observation('assisted_conversion_rate', conversion,
        numerator='case when has_ai_touch_30d then 1 else 0 end',
        where='is_lookback_complete') }}

)

select * from final
