{#-
    Fails for a value of `column` found in more than one of `parents`: a model that is the union of
    those parents is then keyed by their keys only if the parents never share a value of `column`
    (each KPI comes from one layer). Cheap: one distinct per parent, no join.
-#}
{% test disjoint_union_of(model, parents, column) %}

with

parent_values as (
    {%- for parent in parents %}

    select distinct
        {{ column }} as shared_value,
        '{{ parent }}' as parent_model
    from {{ ref(parent) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select
    shared_value,
    count(*) as parents_holding_it
from parent_values
group by 1
having count(*) > 1

{% endtest %}
