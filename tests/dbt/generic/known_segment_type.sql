{#-
    Fails for a segment type that is neither 'all' nor one of the segment types the KPI tables
    break down by (macro kpi_segment_types): a misspelt segment in a registry row would otherwise
    publish nothing for it, silently.
-#}
{% test known_segment_type(model, column_name) %}

select {{ column_name }} as segment_type
from {{ model }}
where {{ column_name }} not in (
    'all'
    {%- for segment in kpi_segment_types() %}, '{{ segment }}'{% endfor %}
)

{% endtest %}
