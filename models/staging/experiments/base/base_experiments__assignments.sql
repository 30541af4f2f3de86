{{ stage_raw_table('experiments', 'assignments') }}
