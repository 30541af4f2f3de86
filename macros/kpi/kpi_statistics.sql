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
    sqrt(sum((x - R y)^2) / (n (n - 1))) / mean(y), with sum((x - R y)^2) expanded into
    sum(x^2) - 2 R sum(xy) + R^2 sum(y^2). When every unit has x = R y (a week in which every
    customer kept its MRR) the expansion cancels to rounding noise of either sign, which would
    publish a noise standard error and a noise z for the change; below a billionth of the terms it
    is read as the 0 it is.
#}
{% macro ratio_standard_error(sum_x, sum_y, sum_xx, sum_yy, sum_xy, n) -%}
    {%- set ratio = "(" ~ sum_x ~ " / " ~ sum_y ~ ")" -%}
    {%- set residual = sum_xx ~ " - 2.0 * " ~ ratio ~ " * " ~ sum_xy ~ " + " ~ ratio ~ " * " ~ ratio ~ " * " ~ sum_yy -%}
    case
        when {{ n }} > 1 and {{ sum_y }} <> 0 then sqrt(
            case
                when {{ residual }} <= 1e-9 * ({{ sum_xx }} + {{ ratio }} * {{ ratio }} * {{ sum_yy }}) then 0.0
                else {{ residual }}
            end / ({{ n }} * ({{ n }} - 1))
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
