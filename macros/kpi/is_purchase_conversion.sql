{#- What the registry's conversion_rate counts as a conversion: a purchase or an upgrade, not a
    signup. The commercial KPI observations and the experiment metrics both use this. -#}
{% macro is_purchase_conversion(conversion_type) -%}
    {{ conversion_type }} in ('purchase', 'upgrade')
{%- endmacro %}
