with

source as (

    select * from {{ ref('base_surveys__responses') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        response_id,
        customer_id,
        touchpoint_id,

        -- strings
        survey_type,
        touchpoint_type,
        answer,
        comment,

        -- numerics
        score,

        -- timestamps
        sent_at,
        answered_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
