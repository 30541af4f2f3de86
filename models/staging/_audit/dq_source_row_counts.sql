-- Rows per raw table, counted straight from the files and independently of the staging logic,
-- so that dq_row_conservation can prove no row was lost between raw and staging + quarantine.
-- A count needs no schema: the contract's JSON reader parses every record of every file first to
-- find all keys (sample_size = -1), which was most of the cost of counting at the large scale, so
-- the count reads the same files with the same reader but infers the schema from one record.
{%- for raw in raw_tables() %}

select
    '{{ raw.system }}.{{ raw.table }}' as source_table,
    count(*) as raw_rows
from {{ source(raw.system, raw.table) | string | replace('sample_size = -1', 'sample_size = 1') }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
