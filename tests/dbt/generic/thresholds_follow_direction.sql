{#- Fails for a KPI whose target, warning and breach thresholds are not ordered by its direction. -#}
{% test thresholds_follow_direction(model) %}

select
    kpi_id,
    direction,
    target,
    warn_threshold,
    breach_threshold
from {{ model }}
where
    (direction = 'higher_is_better' and not (target >= warn_threshold and warn_threshold >= breach_threshold))
    or (direction = 'lower_is_better' and not (target <= warn_threshold and warn_threshold <= breach_threshold))

{% endtest %}
