-- One row per experience KPI x unit of analysis (a survey answer, a coded comment, a chat
-- conversation) with the unit's numerator and denominator. Each KPI is one kpi_observation call
-- below: its comment says which units count and what scores 1 (macros/kpi/kpi_observation.sql).
{#- The six themes of the theme coder; each has a theme_mention_rate_ and a theme_negative_share_ KPI. -#}
{%- set themes = ['clarity', 'tone', 'speed', 'trust', 'accuracy', 'effort'] -%}

{#- What one unit of each source is, and where it sits in time and in the segments. -#}
{%- set survey_answer = {
    'from': 'valid_answers', 'unit_id': 'response_id', 'observed_at': 'answered_at',
    'customer_id': 'customer_id', 'channel': 'touchpoint_channel',
    'journey_type': 'touchpoint_journey_type', 'intent': 'touchpoint_intent',
    'ai_involved': 'touchpoint_ai_involved',
} -%}
{%- set coded_comment = dict(survey_answer, **{'from': 'coded_comments'}) -%}
{%- set conversation = {
    'from': 'conversations', 'unit_id': 'conversation_id', 'observed_at': 'started_at',
    'customer_id': 'customer_id', 'channel': 'channel', 'journey_type': 'journey_type',
    'intent': 'intent', 'ai_involved': 'is_ai',
} %}

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

final as (

    -- valid csat answers: 1 when top-2-box (4 or 5)
    {{ kpi_observation('csat_pct', survey_answer,
        numerator='case when is_top2 then 1 else 0 end',
        where="survey_type = 'csat'") }}

    union all

    -- csat_pct over answers whose touchpoint involved AI
    {{ kpi_observation('csat_after_ai_pct', survey_answer,
        numerator='case when is_top2 then 1 else 0 end',
        where="survey_type = 'csat' and touchpoint_ai_involved") }}

    union all

    -- csat_pct over answers whose touchpoint involved no AI (unknown touchpoints excluded)
    {{ kpi_observation('csat_after_human_pct', survey_answer,
        numerator='case when is_top2 then 1 else 0 end',
        where="survey_type = 'csat' and not touchpoint_ai_involved") }}

    union all

    -- valid csat answers: the score (1-5)
    {{ kpi_observation('csat_mean', survey_answer,
        numerator='score',
        where="survey_type = 'csat'") }}

    union all

    -- valid nps answers: +1 promoter (9-10), 0 passive (7-8), -1 detractor (0-6); the nps
    -- aggregation multiplies the mean by 100
    {{ kpi_observation('nps', survey_answer,
        numerator='case when is_promoter then 1 when is_detractor then -1 else 0 end',
        where="survey_type = 'nps'") }}

    union all

    -- valid effort answers: the score (1 = very easy .. 7 = very hard)
    {{ kpi_observation('effort_score', survey_answer,
        numerator='score',
        where="survey_type = 'effort'") }}

    union all

    -- valid reason_understood answers: 1 when yes
    {{ kpi_observation('reason_understood_pct', survey_answer,
        numerator="case when answer = 'yes' then 1 else 0 end",
        where="survey_type = 'reason_understood'") }}

    union all

    -- AI conversations whose outcome is reported: 1 when resolved
    {{ kpi_observation('task_success_rate', conversation,
        numerator='case when resolved then 1 else 0 end',
        where='is_ai and resolved is not null') }}

    union all

    -- chat conversations whose 7-day recontact window has closed and whose repeat flags are
    -- known: 1 when the customer repeated themselves or came back on the same intent
    {{ kpi_observation('repeat_contact_rate', conversation,
        numerator='case when repeat_contact then 1 else 0 end',
        where='recontact_window_closed and repeat_contact is not null') }}

    {%- for theme in themes %}

    union all

    -- coded comments: 1 when the comment mentions {{ theme }}
    {{ kpi_observation('theme_mention_rate_' ~ theme, coded_comment,
        numerator='case when mentions_' ~ theme ~ ' then 1 else 0 end') }}

    union all

    -- coded comments that mention {{ theme }}: 1 when negative about it
    {{ kpi_observation('theme_negative_share_' ~ theme, coded_comment,
        numerator="case when " ~ theme ~ "_polarity = 'negative' then 1 else 0 end",
        where='mentions_' ~ theme) }}
    {%- endfor %}

    union all

    -- coded comments: 1 when the overall sentiment is negative
    {{ kpi_observation('negative_feedback_share', coded_comment,
        numerator="case when sentiment = 'negative' then 1 else 0 end") }}

)

select * from final
