with

source as (

    select * from {{ ref('base_qa_reviews__reviews') }}
    where quarantine_reason is null

),

renamed as (

    select
        -- ids
        review_id,
        output_id,
        reviewer_id,

        -- strings
        result,
        issue_category,

        -- timestamps
        reviewed_at,
        _loaded_at as loaded_at

    from source

)

select * from renamed
