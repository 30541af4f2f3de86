{{ stage_raw_table('billing', 'subscriptions') }}
