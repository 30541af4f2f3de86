{{ stage_raw_table('experiments', 'variants') }}
