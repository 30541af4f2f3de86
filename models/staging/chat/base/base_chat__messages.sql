{{ stage_raw_table('chat', 'messages') }}
