{#- The six themes of the theme coder; each has a theme_mention_rate_ and a theme_negative_share_ KPI. -#}
{%- set themes = ['clarity', 'tone', 'speed', 'trust', 'accuracy', 'effort'] -%}

with

survey_responses as (

    select * from {{ ref('int_survey_responses_linked') }}

),

coded_comments as (

    select * from {{ ref('int_comments_coded') }}

),

conversations as (

    select * from {{ ref('int_conversations_classified') }}

),

valid_answers as (

    -- unanswered surveys and answers off their type's scale never count
    select * from survey_responses
    where is_valid_answer

),

csat_pct as (

    -- one row per valid csat answer: 1 when top-2-box (4 or 5)
    select
        'csat_pct' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        case when is_top2 then 1 else 0 end as numerator
    from valid_answers
    where survey_type = 'csat'

),

csat_after_ai_pct as (

    -- csat_pct restricted to answers whose touchpoint involved AI
    select
        'csat_after_ai_pct' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        case when is_top2 then 1 else 0 end as numerator
    from valid_answers
    where survey_type = 'csat' and touchpoint_ai_involved

),

csat_after_human_pct as (

    -- csat_pct restricted to answers whose touchpoint involved no AI (unknown touchpoints excluded)
    select
        'csat_after_human_pct' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        case when is_top2 then 1 else 0 end as numerator
    from valid_answers
    where survey_type = 'csat' and not touchpoint_ai_involved

),

csat_mean as (

    -- one row per valid csat answer: the score (1-5)
    select
        'csat_mean' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        score as numerator
    from valid_answers
    where survey_type = 'csat'

),

nps as (

    -- one row per valid nps answer: +1 promoter (9-10), 0 passive (7-8), -1 detractor (0-6);
    -- the aggregation multiplies the mean by 100
    select
        'nps' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        case
            when is_promoter then 1
            when is_detractor then -1
            else 0
        end as numerator
    from valid_answers
    where survey_type = 'nps'

),

effort_score as (

    -- one row per valid effort answer: the score (1 = very easy .. 7 = very hard)
    select
        'effort_score' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        score as numerator
    from valid_answers
    where survey_type = 'effort'

),

reason_understood_pct as (

    -- one row per valid reason_understood answer: 1 when yes
    select
        'reason_understood_pct' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        case when answer = 'yes' then 1 else 0 end as numerator
    from valid_answers
    where survey_type = 'reason_understood'

),

task_success_rate as (

    -- one row per AI conversation whose outcome is reported: 1 when resolved
    select
        'task_success_rate' as kpi_id,
        started_at as observed_at,
        customer_id,
        channel,
        journey_type,
        intent,
        is_ai as ai_involved,
        1 as denominator,
        case when resolved then 1 else 0 end as numerator
    from conversations
    where is_ai and resolved is not null

),

repeat_contact_rate as (

    -- one row per chat conversation whose 7-day recontact window has closed and whose repeat
    -- flags are known: 1 when the customer repeated themselves or came back on the same intent
    select
        'repeat_contact_rate' as kpi_id,
        started_at as observed_at,
        customer_id,
        channel,
        journey_type,
        intent,
        is_ai as ai_involved,
        1 as denominator,
        case when repeat_contact then 1 else 0 end as numerator
    from conversations
    where recontact_window_closed and repeat_contact is not null

),

{% for theme in themes %}
theme_mention_rate_{{ theme }} as (

    -- one row per coded comment: 1 when it mentions {{ theme }}
    select
        'theme_mention_rate_{{ theme }}' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        case when mentions_{{ theme }} then 1 else 0 end as numerator
    from coded_comments

),

theme_negative_share_{{ theme }} as (

    -- one row per coded comment that mentions {{ theme }}: 1 when it is negative about it
    select
        'theme_negative_share_{{ theme }}' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        case when {{ theme }}_polarity = 'negative' then 1 else 0 end as numerator
    from coded_comments
    where mentions_{{ theme }}

),

{% endfor %}
negative_feedback_share as (

    -- one row per coded comment: 1 when its overall sentiment is negative
    select
        'negative_feedback_share' as kpi_id,
        answered_at as observed_at,
        customer_id,
        touchpoint_channel as channel,
        touchpoint_journey_type as journey_type,
        touchpoint_intent as intent,
        touchpoint_ai_involved as ai_involved,
        1 as denominator,
        case when sentiment = 'negative' then 1 else 0 end as numerator
    from coded_comments

),

{%- set kpis = [
    'csat_pct', 'csat_after_ai_pct', 'csat_after_human_pct', 'csat_mean', 'nps', 'effort_score',
    'reason_understood_pct', 'task_success_rate', 'repeat_contact_rate',
] -%}
{%- for theme in themes -%}
{%- do kpis.append('theme_mention_rate_' ~ theme) -%}
{%- do kpis.append('theme_negative_share_' ~ theme) -%}
{%- endfor -%}
{%- do kpis.append('negative_feedback_share') %}

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
