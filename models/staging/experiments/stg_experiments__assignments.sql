with

source as (

    select * from {{ ref('base_experiments__assignments') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        assignment_id,
        experiment_id,
        unit_id,

        -- strings
        variant,

        -- timestamps
        assigned_at,
        _loaded_at as loaded_at,

        -- the variant's key in stg_experiments__variants (computed, so last: sqlfluff ST06)
        experiment_id || '|' || variant as experiment_variant_id

    from source

)

select * from renamed
