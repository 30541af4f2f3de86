-- One row per sales opportunity with its lead, outcome and cycle length.
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

compute_cycles as (

    select
        opportunity_id,
        case
            when closed_at >= created_at
                then cast(
                    {{ dbt.datediff('created_at', 'closed_at', 'second') }}
                    as {{ sql_type('double') }}
                ) / 86400.0
        end as cycle_days
    from opportunities

),

final as (

    select
        -- ids
        opportunities.opportunity_id,
        opportunities.lead_id,

        -- strings
        opportunities.stage,
        leads.source_channel as lead_source_channel,

        -- numerics
        opportunities.amount,
        compute_cycles.cycle_days,

        -- timestamps
        leads.created_at as lead_created_at,
        opportunities.created_at,
        opportunities.closed_at,

        -- computed last (sqlfluff ST06); no customer points to the missing member
        coalesce(opportunities.customer_id, '_unknown') as customer_id,
        case when opportunities.stage = 'won' then opportunities.amount else 0 end as won_amount,
        opportunities.stage in ('won', 'lost') as is_closed,
        opportunities.stage = 'won' as is_won

    from opportunities
    inner join compute_cycles
        on opportunities.opportunity_id = compute_cycles.opportunity_id
    left join leads
        on opportunities.lead_id = leads.lead_id

)

select * from final
