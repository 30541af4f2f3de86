{{ stage_raw_table('web_analytics', 'events') }}
