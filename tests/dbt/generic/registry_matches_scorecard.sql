{#- Fails for a KPI in the scorecard missing from the registry, or a registered KPI with no value. -#}
{% test registry_matches_scorecard(model) %}

with

registered as (
    select kpi_id from {{ ref('kpi_definitions') }}
),

published as (
    select distinct kpi_id from {{ model }}
)

select
    coalesce(registered.kpi_id, published.kpi_id) as kpi_id,
    case
        when registered.kpi_id is null then 'in the scorecard but not in the registry'
        else 'registered but never published'
    end as problem
from registered
full outer join published
    on registered.kpi_id = published.kpi_id
where registered.kpi_id is null or published.kpi_id is null

{% endtest %}
