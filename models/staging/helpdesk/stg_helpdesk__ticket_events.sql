with

source as (

    select * from {{ ref('base_helpdesk__ticket_events') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        event_id,
        ticket_id,

        -- strings
        event_type,
        actor_type,
        status as new_status,
        group_name as new_group_name,
        priority as new_priority,
        body as comment_body,

        -- booleans
        is_public,

        -- timestamps
        event_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
