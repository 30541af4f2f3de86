{#- The six themes of the theme coder (empathy.themes), as coded in int_comments_coded. -#}
{%- set themes = ['clarity', 'tone', 'speed', 'trust', 'accuracy', 'effort'] -%}

with

coded_comments as (

    select * from {{ ref('int_comments_coded') }}

),

unpivot_themes as (

    -- one row per comment x theme it mentions; comments with no theme have no row here
    {%- for theme in themes %}
    select
        response_id,
        '{{ theme }}' as theme,
        {{ theme }}_polarity as polarity
    from coded_comments
    where mentions_{{ theme }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        -- ids
        unpivot_themes.response_id,
        coded_comments.customer_id,

        -- strings
        cast(unpivot_themes.theme as {{ sql_type('varchar') }}) as theme,
        unpivot_themes.polarity,
        coded_comments.sentiment,
        coded_comments.survey_type,
        coded_comments.touchpoint_type,
        coded_comments.touchpoint_channel,
        coded_comments.touchpoint_journey_type,
        coded_comments.touchpoint_intent,
        coded_comments.comment,
        coded_comments.coder_version,
        coded_comments.lexicon_version,

        -- booleans
        coded_comments.touchpoint_ai_involved,

        -- timestamps
        coded_comments.answered_at

    from unpivot_themes
    inner join coded_comments
        on unpivot_themes.response_id = coded_comments.response_id

)

select * from final
