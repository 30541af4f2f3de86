{#-
    The rules of the KPI observation contract (macros/kpi/kpi_observation.sql) that the columns'
    types cannot express, one failing row per broken rule and KPI: an event row has its moment, a
    period row its grain and period, every row at least one unit and its sums, and a counted row
    (more than one unit) no customer. The key (kpi_id, unit_id) is tested by unique_combination.
-#}
{% test kpi_observation_contract(model) %}

with

checked as (

    select
        kpi_id,
        case
            when kpi_id is null then 'kpi_id is empty'
            when unit_id is null then 'unit_id is empty'
            when grain is null and observed_at is null then 'event row without observed_at'
            when grain is not null and grain not in ('week', 'month', 'quarter')
                then 'grain is not week, month or quarter'
            when grain is not null and period_start is null then 'period row without period_start'
            when units is null or units < 1 then 'units below 1'
            when numerator is null or denominator is null then 'numerator or denominator is empty'
            when units > 1 and customer_id is not null then 'counted row with a customer_id'
        end as problem
    from {{ model }}

)

select
    kpi_id,
    problem,
    count(*) as rows_with_problem
from checked
where problem is not null
group by 1, 2

{% endtest %}
