-- Every raw row that did not pass its table's contract, from every source, with the reason.
{%- for raw in raw_tables() %}

select
    base_row.source_table,
    base_row.source_row_key,
    base_row.quarantine_reason,
    base_row.quarantine_detail,
    base_row.source_file,
    base_row._loaded_at as loaded_at,
    {{ row_as_json('base_row', ref('base_' ~ raw.system ~ '__' ~ raw.table)) }} as row_data
from {{ ref('base_' ~ raw.system ~ '__' ~ raw.table) }} as base_row
where base_row.quarantine_reason is not null
{% if not loop.last %}union all{% endif %}
{%- endfor %}
