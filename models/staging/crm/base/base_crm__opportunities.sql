{{ stage_raw_table('crm', 'opportunities') }}
