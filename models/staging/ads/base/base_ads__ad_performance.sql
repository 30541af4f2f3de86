{{ stage_raw_table('ads', 'ad_performance') }}
