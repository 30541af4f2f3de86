{#
    events_per_customer_period(relation, event_at, where)

    One row per customer x grain (week, month, quarter) x period with the number of events of
    `relation` (a CTE or relation with customer_id and the timestamp column `event_at`) that
    happened in it: each event counted in its ISO week, month and quarter by truncating its time,
    so a customer-period joins its events on equality, however long the history.
#}
{% macro events_per_customer_period(relation, event_at, where=none) -%}
    {%- for grain in ['week', 'month', 'quarter'] %}
    select
        customer_id,
        '{{ grain }}' as grain,
        cast({{ dbt.date_trunc(grain, event_at) }} as date) as period_start,
        count(*) as events
    from {{ relation }}
    where
        customer_id is not null
        and {{ event_at }} is not null
        {%- if where %}
        and {{ where }}
        {%- endif %}
    group by 1, 2, 3
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
