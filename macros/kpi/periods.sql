{# The first day after a period of the given grain (a column holding week, month or quarter). #}
{% macro period_end_exclusive(grain, period_start) -%}
    cast(case {{ grain }}
        when 'week' then {{ dbt.dateadd('day', 7, period_start) }}
        when 'month' then {{ dbt.dateadd('month', 1, period_start) }}
        when 'quarter' then {{ dbt.dateadd('month', 3, period_start) }}
    end as date)
{%- endmacro %}


{# The first day of the period before, for the same grain. #}
{% macro previous_period_start(grain, period_start) -%}
    cast(case {{ grain }}
        when 'week' then {{ dbt.dateadd('day', -7, period_start) }}
        when 'month' then {{ dbt.dateadd('month', -1, period_start) }}
        when 'quarter' then {{ dbt.dateadd('month', -3, period_start) }}
    end as date)
{%- endmacro %}


{# The first day of the period of the given grain (a column holding week, month or quarter) that
   holds the timestamp `at`: ISO weeks start on Monday. #}
{% macro period_start_of(grain, at) -%}
    cast(case {{ grain }}
        when 'week' then {{ dbt.date_trunc('week', at) }}
        when 'month' then {{ dbt.date_trunc('month', at) }}
        when 'quarter' then {{ dbt.date_trunc('quarter', at) }}
    end as date)
{%- endmacro %}
