{{ stage_raw_table('ai_outputs', 'outputs') }}
