{#-
    Fails for a KPI whose registry row changed without a new definition_version: two snapshot
    versions of one KPI carrying the same version number.
-#}
{% test version_bumped_on_change(model) %}

select
    kpi_id,
    definition_version,
    count(*) as snapshot_versions
from {{ model }}
group by 1, 2
having count(*) > 1

{% endtest %}
