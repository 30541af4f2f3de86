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
    - kpi_observation: one row per unit (units = 1), its numerator and denominator;
    - kpi_counted_observations (below), for units marked `counted: true`: one row per cell of
      units that share every mapped column (a KPI x period x segment cell, e.g. the customers
      active in a month in one audience, value tier, signup cohort and onboarding journey) with
      the number of units and the sums of their numerators, denominators, squares and cross
      products. These are the sufficient statistics of every aggregation but the quantiles
      (proportions, means, ratios, NPS, sums), so a KPI counted this way gets exactly the value,
      interval and sample it would get from one row per unit. Counted rows carry no customer_id
      (the unit is not one customer).
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
    {%- if unit.get('counted') -%}
        {{ exceptions.raise_compiler_error(
            "kpi_observation(" ~ kpi_id ~ "): units counted per cell go through kpi_counted_observations") }}
    {%- endif -%}
    {%- set placed = [
        ('observed_at', 'timestamp'), ('grain', 'varchar'), ('period_start', 'date'),
    ] -%}
    {%- set mapped = [] -%}
    {%- for column, _ in placed + kpi_unit_segment_columns() if unit.get(column) -%}
        {%- do mapped.append(column) -%}
    {%- endfor -%}
    select
        cast('{{ kpi_id }}' as {{ sql_type('varchar') }}) as kpi_id,
        cast(kpi_unit.unit_id as {{ sql_type('varchar') }}) as unit_id,
        {%- for column, data_type in placed %}
        {{ _kpi_mapped('kpi_unit', column, data_type, unit) }} as {{ column }},
        {%- endfor %}
        cast(kpi_unit.customer_id as {{ sql_type('varchar') }}) as customer_id,
        {%- for column, data_type in kpi_unit_segment_columns() %}
        {{ _kpi_mapped('kpi_unit', column, data_type, unit) }} as {{ column }},
        {%- endfor %}
        {%- for column, data_type in kpi_customer_segment_columns() %}
        cast(null as {{ data_type }}) as {{ column }},
        {%- endfor %}
        cast(1 as bigint) as units,
        kpi_unit.numerator,
        kpi_unit.denominator,
        kpi_unit.numerator * kpi_unit.numerator as numerator_squared,
        kpi_unit.denominator * kpi_unit.denominator as denominator_squared,
        kpi_unit.numerator * kpi_unit.denominator as numerator_denominator
    from (
        select
            {{ unit['unit_id'] }} as unit_id,
            {{ unit.get('customer_id', 'cast(null as ' ~ sql_type('varchar') ~ ')') }} as customer_id,
            {%- for column in mapped %}
            {{ unit[column] }} as {{ column }},
            {%- endfor %}
            cast({{ numerator }} as {{ sql_type('double') }}) as numerator,
            cast({{ denominator }} as {{ sql_type('double') }}) as denominator
        from {{ unit['from'] }}
        {%- if where %}
        where {{ where }}
        {%- endif %}
    ) as kpi_unit
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
{% macro _kpi_cell_label(cell, prefix) -%}
    {%- if not cell -%}
        cast('all' as {{ sql_type('varchar') }})
    {%- else -%}
        {%- set parts = [] -%}
        {%- for column in cell -%}
            {%- do parts.append("coalesce(cast(" ~ prefix ~ column ~ " as " ~ sql_type('varchar') ~ "), '~')") -%}
            {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- endfor -%}
        {{ dbt.concat(parts) }}
    {%- endif -%}
{%- endmacro %}


{#
    kpi_counted_observations(unit, kpis): KPIs whose units are counted, not listed, in one pass.

    For units counted per cell (the customers of a period in one customer segment; the raw rows
    loaded on a day): one aggregate over the unit's source, grouped by the cell (every column the
    unit maps), sums each KPI's units side by side, and each KPI then takes its own sums: one pass
    over 16 million customer-periods at the large scale instead of one per KPI. Each KPI is a dict
    with the arguments of kpi_observation:

        {{ kpi_counted_observations(customer_period, [
            -- customers active at the period start: 1 when still active at its end
            {'kpi_id': 'retention_rate', 'where': 'active_at_start',
                'numerator': 'case when active_at_end then 1 else 0 end'},
        ]) }}

    A KPI has a row only for the cells where it has units, as a group-by of its own would.
#}
{% macro kpi_counted_observations(unit, kpis) -%}
    {%- set placed = [('observed_at', 'timestamp'), ('grain', 'varchar'), ('period_start', 'date')] -%}
    {%- set segments = kpi_unit_segment_columns() + kpi_customer_segment_columns() -%}
    {%- set cell = [] -%}
    {%- for column, _ in placed + segments if unit.get(column) -%}
        {%- do cell.append(column) -%}
    {%- endfor -%}
    select
        cast(counted_kpis.kpi_id as {{ sql_type('varchar') }}) as kpi_id,
        {{ _kpi_cell_label(cell, 'counted_cells.cell_') }} as unit_id,
        {%- for column, data_type in placed %}
        {{ _kpi_cell_column(column, data_type, cell) }} as {{ column }},
        {%- endfor %}
        cast(null as {{ sql_type('varchar') }}) as customer_id,
        {%- for column, data_type in segments %}
        {{ _kpi_cell_column(column, data_type, cell) }} as {{ column }},
        {%- endfor %}
        {%- for statistic in kpi_statistic_columns() %}
        case counted_kpis.kpi_id
            {%- for kpi in kpis %}
            when '{{ kpi.kpi_id }}' then counted_cells.{{ statistic }}_{{ loop.index }}
            {%- endfor %}
        end as {{ statistic }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select
            {%- for column in cell %}
            cell_{{ column }},
            {%- endfor %}
            {%- for kpi in kpis %}
            {%- set counts = '(' ~ kpi.get('where', 'true') ~ ')' %}
            {%- set x = 'cast(' ~ kpi.numerator ~ ' as ' ~ sql_type('double') ~ ')' %}
            {%- set y = 'cast(' ~ kpi.get('denominator', 1) ~ ' as ' ~ sql_type('double') ~ ')' %}
            count(case when {{ counts }} then 1 end) as units_{{ loop.index }},
            sum(case when {{ counts }} then {{ x }} end) as numerator_{{ loop.index }},
            sum(case when {{ counts }} then {{ y }} end) as denominator_{{ loop.index }},
            sum(case when {{ counts }} then {{ x }} * {{ x }} end) as numerator_squared_{{ loop.index }},
            sum(case when {{ counts }} then {{ y }} * {{ y }} end) as denominator_squared_{{ loop.index }},
            sum(case when {{ counts }} then {{ x }} * {{ y }} end) as numerator_denominator_{{ loop.index }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from (
            select
                {%- for column in cell %}
                {{ unit[column] }} as cell_{{ column }},
                {%- endfor %}
                *
            from {{ unit['from'] }}
        ) as counted_units
        {%- if cell %}
        group by {% for column in cell %}cell_{{ column }}{{ ", " if not loop.last }}{% endfor %}
        {%- endif %}
    ) as counted_cells
    cross join (
        {%- for kpi in kpis %}
        select '{{ kpi.kpi_id }}' as kpi_id
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as counted_kpis
    where
        case counted_kpis.kpi_id
            {%- for kpi in kpis %}
            when '{{ kpi.kpi_id }}' then counted_cells.units_{{ loop.index }}
            {%- endfor %}
        end > 0
{%- endmacro %}


{# A cell column of a counted row, cast to the contract type; null when the unit does not map it. #}
{% macro _kpi_cell_column(column, data_type, cell) -%}
    {%- if column in cell -%}
        cast(counted_cells.cell_{{ column }} as {{ data_type }})
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
