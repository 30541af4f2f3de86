-- Rows per raw table, counted straight from the files and independently of the staging logic,
-- so that dq_row_conservation can prove no row was lost between raw and staging + quarantine.
{%- for raw in raw_tables() %}

select
    '{{ raw.system }}.{{ raw.table }}' as source_table,
    count(*) as raw_rows
from {{ source(raw.system, raw.table) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
