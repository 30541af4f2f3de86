-- One row per experiment x configured variant: its configured weight and the units analysed in
-- it, the counts the sample-ratio-mismatch test compares with the weights.
with

variants as (

    select * from {{ ref('stg_experiments__variants') }}

),

units as (

    select * from {{ ref('int_experiment_units') }}
    where is_analysed

),

count_units as (

    select
        experiment_id,
        variant,
        count(*) as units
    from units
    group by 1, 2

),

final as (

    select
        -- ids
        variants.experiment_id,

        -- strings
        variants.variant,

        -- numerics
        variants.weight as configured_weight,

        -- booleans
        variants.is_control,

        -- computed (after the plain columns, sqlfluff ST06)
        coalesce(count_units.units, 0) as units,
        cast(coalesce(count_units.units, 0) as {{ sql_type('double') }})
        / nullif(sum(coalesce(count_units.units, 0)) over (partition by variants.experiment_id), 0)
            as observed_share

    from variants
    left join count_units
        on
            variants.experiment_id = count_units.experiment_id
            and variants.variant = count_units.variant

)

select * from final
