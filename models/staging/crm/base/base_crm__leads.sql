{{ stage_raw_table('crm', 'leads') }}
