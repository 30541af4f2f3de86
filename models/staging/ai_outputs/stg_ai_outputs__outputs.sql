with

source as (

    select * from {{ ref('base_ai_outputs__outputs') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        output_id,
        customer_id,
        touchpoint_id,
        trace_id,

        -- strings
        touchpoint_type,
        output_type,
        model_version,
        rationale_text,
        policy_reference,
        prompt_version,
        logged_by,

        -- numerics
        confidence,

        -- booleans
        explanation_shown,
        explanation_opened,
        accepted,
        overridden_by_human,
        human_reviewed,

        -- timestamps
        created_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
