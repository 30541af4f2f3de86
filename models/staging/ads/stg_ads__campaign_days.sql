with

source as (

    select * from {{ ref('base_ads__ad_performance') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        campaign_id,

        -- strings
        channel,

        -- numerics
        ad_relevance_score,
        impressions,
        clicks,
        spend,

        -- dates
        report_date,

        -- timestamps
        _loaded_at as loaded_at,

        -- key (computed columns come after plain ones, sqlfluff ST06)
        campaign_id || '|' || cast(report_date as {{ sql_type('varchar') }}) as campaign_day_id

    from source

)

select * from renamed
