{#
    A registry threshold for a period of `period_days` days. Thresholds of KPIs that accumulate
    over the period are stated for a month and scaled by f = period_days / 30.44 (see the seed
    column threshold_basis); the others apply to every grain unchanged.
#}
{% macro scaled_threshold(threshold, basis, period_days) -%}
    case {{ basis }}
        when 'monthly_probability' then 1.0 - power(1.0 - {{ threshold }}, {{ period_days }} / 30.44)
        when 'monthly_survival' then power({{ threshold }}, {{ period_days }} / 30.44)
        when 'monthly_amount' then {{ threshold }} * {{ period_days }} / 30.44
        else {{ threshold }}
    end
{%- endmacro %}
