{#
    The statistics behind every published KPI value (KPI_SPEC section 5). Plain arithmetic, so the
    same SQL runs on any warehouse; each is unit-tested through int_kpi_values.
#}

{# z of the two-sided 95% interval #}
{% macro z95() -%}1.959963984540054{%- endmacro %}


{# Wilson score interval for a proportion p of n trials: bound = 'low' or 'high'. #}
{% macro wilson_bound(p, n, bound) -%}
    (
        ({{ p }} + {{ z95() }} * {{ z95() }} / (2.0 * {{ n }}))
        {{ '-' if bound == 'low' else '+' }} {{ z95() }} * sqrt(
            {{ p }} * (1.0 - {{ p }}) / {{ n }} + {{ z95() }} * {{ z95() }} / (4.0 * {{ n }} * {{ n }})
        )
    ) / (1.0 + {{ z95() }} * {{ z95() }} / {{ n }})
{%- endmacro %}


{# Standard error of NPS (on the -100..100 scale) from the promoter and detractor shares. #}
{% macro nps_standard_error(p_promoters, p_detractors, n) -%}
    100.0 * sqrt(
        greatest(
            {{ p_promoters }} + {{ p_detractors }}
            - ({{ p_promoters }} - {{ p_detractors }}) * ({{ p_promoters }} - {{ p_detractors }}),
            0.0
        ) / {{ n }}
    )
{%- endmacro %}


{# Standard error of a mean from the sum, the sum of squares and n (sample variance, n - 1). #}
{% macro mean_standard_error(total, sum_of_squares, n) -%}
    case
        when {{ n }} > 1 then sqrt(
            greatest(({{ sum_of_squares }} - {{ total }} * {{ total }} / {{ n }}) / ({{ n }} - 1), 0.0)
            / {{ n }}
        )
    end
{%- endmacro %}


{#
    Standard error of a ratio of sums R = sum(x) / sum(y) over n units (delta method):
    sqrt(sum((x - R y)^2) / (n (n - 1))) / mean(y).
#}
{% macro ratio_standard_error(sum_x, sum_y, sum_xx, sum_yy, sum_xy, n) -%}
    case
        when {{ n }} > 1 and {{ sum_y }} <> 0 then sqrt(
            greatest(
                {{ sum_xx }}
                - 2.0 * ({{ sum_x }} / {{ sum_y }}) * {{ sum_xy }}
                + ({{ sum_x }} / {{ sum_y }}) * ({{ sum_x }} / {{ sum_y }}) * {{ sum_yy }},
                0.0
            ) / ({{ n }} * ({{ n }} - 1))
        ) / ({{ sum_y }} / {{ n }})
    end
{%- endmacro %}


{#
    1-based rank of the order statistic bounding a distribution-free 95% interval for the quantile
    q of n sorted values: n q -/+ z sqrt(n q (1 - q)), clamped to [1, n].
#}
{% macro quantile_rank(q, n, bound) -%}
    least(greatest(
        cast({{ 'floor' if bound == 'low' else 'ceil' }}(
            {{ n }} * {{ q }} {{ '-' if bound == 'low' else '+' }} {{ z95() }} * sqrt({{ n }} * {{ q }} * (1.0 - {{ q }}))
        ) as integer) {{ '' if bound == 'low' else '+ 1' }},
        1
    ), {{ n }})
{%- endmacro %}
