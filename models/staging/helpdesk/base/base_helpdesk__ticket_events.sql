{{ stage_raw_table('helpdesk', 'ticket_events') }}
