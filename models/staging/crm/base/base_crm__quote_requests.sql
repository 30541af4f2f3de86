{{ stage_raw_table('crm', 'quote_requests') }}
