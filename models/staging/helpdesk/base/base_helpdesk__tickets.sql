{{ stage_raw_table('helpdesk', 'tickets') }}
