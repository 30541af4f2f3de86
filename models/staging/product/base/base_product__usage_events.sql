{{ stage_raw_table('product', 'usage_events') }}
