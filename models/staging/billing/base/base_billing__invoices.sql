{{ stage_raw_table('billing', 'invoices') }}
