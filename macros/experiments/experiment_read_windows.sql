{#- The read windows of the experiments (var experiment_read_weeks, e.g. 1, 2, 4 and 8 weeks after
    exposure) as rows of one column, weeks_after_exposure. -#}
{% macro experiment_read_windows() -%}
    {%- for weeks in var('experiment_read_weeks') %}
    select {{ weeks }} as weeks_after_exposure
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
