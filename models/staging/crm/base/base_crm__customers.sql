{{ stage_raw_table('crm', 'customers') }}
