{{ stage_raw_table('email', 'events') }}
