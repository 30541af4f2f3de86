{{ stage_raw_table('email', 'sends') }}
