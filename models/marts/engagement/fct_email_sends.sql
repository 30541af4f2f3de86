-- One row per email send with what the recipient did with it.
with

email_sends as (

    select * from {{ ref('int_email_sends_engaged') }}

),

final as (

    select
        -- ids
        send_id,
        campaign_id,

        -- strings
        journey,

        -- booleans
        is_ai_personalised,
        has_reason_line,
        is_opened,
        is_clicked,
        is_replied,
        is_unsubscribed,
        is_qualified_click,

        -- timestamps
        sent_at,
        first_opened_at,
        first_clicked_at,
        first_replied_at,
        unsubscribed_at,
        qualified_session_at,

        -- computed last (sqlfluff ST06): no customer points to the missing member
        coalesce(customer_id, '_unknown') as customer_id

    from email_sends

)

select * from final
