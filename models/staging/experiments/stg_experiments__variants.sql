with

source as (

    select * from {{ ref('base_experiments__variants') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        experiment_id,

        -- strings
        variant,

        -- numerics
        weight,

        -- booleans
        is_control,

        -- timestamps
        _loaded_at as loaded_at,

        -- key (computed columns come after plain ones, sqlfluff ST06)
        experiment_id || '|' || variant as experiment_variant_id

    from source

)

select * from renamed
