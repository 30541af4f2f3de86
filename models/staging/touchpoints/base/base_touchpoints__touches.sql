{{ stage_raw_table('touchpoints', 'touches') }}
