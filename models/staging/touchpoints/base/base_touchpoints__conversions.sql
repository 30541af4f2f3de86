{{ stage_raw_table('touchpoints', 'conversions') }}
