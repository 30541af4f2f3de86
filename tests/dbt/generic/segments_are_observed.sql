{#-
    Warns about a segment type a KPI is published for whose every value reads 'unknown' (in the KPI
    values, `model`): the KPI's observations never carry that segment. Catches a registry row that
    lists a segment its units do not have (e.g. lifecycle_stage on a KPI counted per period, or
    device on a survey KPI).
-#}
{% test segments_are_observed(model) %}

select
    kpi_id,
    segment_type
from {{ model }}
where segment_type <> 'all'
group by 1, 2
having count(case when segment_value <> 'unknown' then 1 end) = 0

{% endtest %}
