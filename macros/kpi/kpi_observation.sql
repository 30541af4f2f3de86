{#
    The one shape of a KPI observation (the contract of every int_<layer>_kpi_observations model).

    A KPI is one call:

        {{ kpi_observation('csat_pct', survey_answer,
            numerator='case when is_top2 then 1 else 0 end',
            where="survey_type = 'csat'") }}

    `unit` describes what one unit of the source is, once per source in each layer model: the
    relation to read (`from`), the column that identifies the unit (`unit_id`) and the columns that
    place it in time and in segments (`observed_at` for event KPIs, or `grain` and `period_start`
    for KPIs defined per period; `customer_id`, `channel`, `device`, `journey_type`, `intent`,
    `ai_involved`; for counted units also the customer segments). Unmapped columns are null.

    Two kinds of rows come out, in the same columns:
    - one row per unit (units = 1): the unit's numerator and denominator;
    - with `counted: true` in the unit, one row per cell of units that share every mapped column
      (a KPI x period x segment cell, e.g. the customers active in a month in one audience, value
      tier, signup cohort and onboarding journey): the number of units and the sums of their
      numerators, denominators, squares and cross products. These are the sufficient statistics of
      every aggregation but the quantiles (proportions, means, ratios, NPS, sums), so a KPI counted
      this way gets exactly the value, interval and sample it would get from one row per unit.
      Counted rows carry no customer_id (the unit is not one customer).
    Per-unit rows carry the same statistics for one unit, so int_kpi_values adds rows of both
    kinds alike.
#}

{# The unit-level segment columns a unit may map (customer-level segments are joined centrally). #}
{% macro kpi_unit_segment_columns() -%}
    {{ return([
        ('channel', 'varchar'), ('device', 'varchar'), ('journey_type', 'varchar'),
        ('intent', 'varchar'), ('ai_involved', 'boolean'),
    ]) }}
{%- endmacro %}


{# The customer-level segment columns: joined by customer in int_kpi_observations for per-unit
   rows; carried by counted rows, which are counted per customer segment. #}
{% macro kpi_customer_segment_columns() -%}
    {{ return([
        ('audience', 'varchar'), ('value_tier', 'varchar'), ('lifecycle_stage', 'varchar'),
        ('signup_cohort', 'varchar'), ('onboarding_journey', 'varchar'),
    ]) }}
{%- endmacro %}


{# The sufficient statistics every observation row carries. #}
{% macro kpi_statistic_columns() -%}
    {{ return([
        'units', 'numerator', 'denominator',
        'numerator_squared', 'denominator_squared', 'numerator_denominator',
    ]) }}
{%- endmacro %}


{# Every column of the layer observation contract, in order. #}
{% macro kpi_observation_columns() -%}
    {%- set names = ['kpi_id', 'unit_id', 'observed_at', 'grain', 'period_start', 'customer_id'] -%}
    {%- for column, _ in kpi_unit_segment_columns() + kpi_customer_segment_columns() -%}
        {%- do names.append(column) -%}
    {%- endfor -%}
    {{ return(names + kpi_statistic_columns()) }}
{%- endmacro %}


{% macro kpi_observation(kpi_id, unit, numerator, denominator=1, where=none) -%}
    {%- set counted = unit.get('counted', false) -%}
    {%- set placed = [
        ('observed_at', 'timestamp'), ('grain', 'varchar'), ('period_start', 'date'),
    ] -%}
    {%- set segments = kpi_unit_segment_columns() + (kpi_customer_segment_columns() if counted else []) -%}
    {%- set cell = [] -%}
    {%- for column, _ in placed + segments if unit.get(column) -%}
        {%- do cell.append(column) -%}
    {%- endfor -%}
    select
        cast('{{ kpi_id }}' as varchar) as kpi_id,
        {%- if counted %}
        {{ _kpi_cell_label(cell) }} as unit_id,
        {%- else %}
        cast(kpi_unit.unit_id as varchar) as unit_id,
        {%- endif %}
        {%- for column, data_type in placed %}
        {{ _kpi_mapped('kpi_unit', column, data_type, unit) }} as {{ column }},
        {%- endfor %}
        {%- if counted %}
        cast(null as varchar) as customer_id,
        {%- else %}
        cast(kpi_unit.customer_id as varchar) as customer_id,
        {%- endif %}
        {%- for column, data_type in kpi_unit_segment_columns() + kpi_customer_segment_columns() %}
        {{ _kpi_mapped('kpi_unit', column, data_type, unit if (column, data_type) in segments else {}) }} as {{ column }},
        {%- endfor %}
        {%- if counted %}
        count(*) as units,
        sum(kpi_unit.numerator) as numerator,
        sum(kpi_unit.denominator) as denominator,
        sum(kpi_unit.numerator * kpi_unit.numerator) as numerator_squared,
        sum(kpi_unit.denominator * kpi_unit.denominator) as denominator_squared,
        sum(kpi_unit.numerator * kpi_unit.denominator) as numerator_denominator
        {%- else %}
        cast(1 as bigint) as units,
        kpi_unit.numerator,
        kpi_unit.denominator,
        kpi_unit.numerator * kpi_unit.numerator as numerator_squared,
        kpi_unit.denominator * kpi_unit.denominator as denominator_squared,
        kpi_unit.numerator * kpi_unit.denominator as numerator_denominator
        {%- endif %}
    from (
        select
            {%- if not counted %}
            {{ unit['unit_id'] }} as unit_id,
            {{ unit.get('customer_id', 'cast(null as varchar)') }} as customer_id,
            {%- endif %}
            {%- for column in cell %}
            {{ unit[column] }} as {{ column }},
            {%- endfor %}
            cast({{ numerator }} as double) as numerator,
            cast({{ denominator }} as double) as denominator
        from {{ unit['from'] }}
        {%- if where %}
        where {{ where }}
        {%- endif %}
    ) as kpi_unit
    {%- if counted and cell %}
    group by
        {%- for column in cell %}
        kpi_unit.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}


{# A mapped column of the unit, cast to the contract type; null when the unit does not map it. #}
{% macro _kpi_mapped(alias, column, data_type, unit) -%}
    {%- if unit.get(column) -%}
        cast({{ alias }}.{{ column }} as {{ data_type }})
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}


{# The label of a counted cell: its mapped values joined by '|' ('~' for a null). #}
{% macro _kpi_cell_label(cell) -%}
    {%- if not cell -%}
        cast('all' as varchar)
    {%- else -%}
        {%- set parts = [] -%}
        {%- for column in cell -%}
            {%- do parts.append("coalesce(cast(kpi_unit." ~ column ~ " as varchar), '~')") -%}
            {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- endfor -%}
        {{ dbt.concat(parts) }}
    {%- endif -%}
{%- endmacro %}
