{#-
    Warns about a segment type a KPI is published for (int_kpi_segments) whose observations never
    carry a value for it: every published value of that breakdown would read 'unknown'. Catches a
    registry row that lists a segment its units do not have (e.g. lifecycle_stage on a KPI counted
    per period, or device on a survey KPI).
-#}
{% test segments_are_observed(model) %}

with

published as (

    select * from {{ ref('int_kpi_segments') }}
    where segment_type <> 'all'

),

observed as (

    select
        kpi_id,
        {%- for segment in kpi_segment_types() %}
        count({{ segment }}) as {{ segment }}_values{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
    group by 1

)

select
    published.kpi_id,
    published.segment_type
from published
inner join observed
    on published.kpi_id = observed.kpi_id
where
    case published.segment_type
        {%- for segment in kpi_segment_types() %}
        when '{{ segment }}' then observed.{{ segment }}_values
        {%- endfor %}
    end = 0

{% endtest %}
