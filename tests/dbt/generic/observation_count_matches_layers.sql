{#-
    Fails when the union of KPI observations does not have exactly as many rows as the layers'
    observation models together: the segment joins must never duplicate or drop a unit.
-#}
{% test observation_count_matches_layers(model) %}

with

layers as (
    {%- for layer in ['experience', 'engagement', 'operational', 'commercial', 'governance'] %}
    select count(*) as observations from {{ ref('int_' ~ layer ~ '_kpi_observations') }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

expected as (
    select sum(observations) as observations from layers
),

actual as (
    select count(*) as observations from {{ model }}
)

select
    expected.observations as expected_observations,
    actual.observations as actual_observations
from expected
cross join actual
where expected.observations <> actual.observations

{% endtest %}
