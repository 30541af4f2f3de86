{{ stage_raw_table('surveys', 'responses') }}
