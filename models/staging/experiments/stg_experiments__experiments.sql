with

source as (

    select * from {{ ref('base_experiments__experiments') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        experiment_id,

        -- strings
        name as experiment_name,
        hypothesis,
        unit_type,
        primary_metric,
        guardrail_metrics,
        status,

        -- timestamps
        started_at,
        ended_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
