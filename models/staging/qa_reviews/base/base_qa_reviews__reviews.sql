{{ stage_raw_table('qa_reviews', 'reviews') }}
