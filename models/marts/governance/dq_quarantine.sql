-- Every raw row that did not pass its table's contract, from every source, with the reason.
{%- for raw in raw_tables() %}

select
    checked.source_table,
    checked.source_row_key,
    checked.quarantine_reason,
    checked.quarantine_detail,
    checked.source_file,
    checked._loaded_at as loaded_at,
    {{ row_as_json('checked') }} as row_data
from {{ ref('base_' ~ raw.system ~ '__' ~ raw.table) }} as checked
where checked.quarantine_reason is not null
{% if not loop.last %}union all{% endif %}
{%- endfor %}
