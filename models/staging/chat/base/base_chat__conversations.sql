{{ stage_raw_table('chat', 'conversations') }}
