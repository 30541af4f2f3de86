{{ stage_raw_table('experiments', 'experiments') }}
