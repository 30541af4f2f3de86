{#
    The raw tables the warehouse reads, each with its base and staging model. The one list that
    dq_source_row_counts, dq_quarantine and dq_row_conservation iterate; a structure test checks
    that it names every source in the sources YAML.
#}
{% macro raw_tables() %}
    {{ return([
        {'system': 'crm', 'table': 'customers', 'staging_model': 'stg_crm__customers'},
        {'system': 'crm', 'table': 'leads', 'staging_model': 'stg_crm__leads'},
        {'system': 'crm', 'table': 'opportunities', 'staging_model': 'stg_crm__opportunities'},
        {'system': 'crm', 'table': 'quote_requests', 'staging_model': 'stg_crm__quote_requests'},
        {'system': 'billing', 'table': 'subscriptions', 'staging_model': 'stg_billing__subscriptions'},
        {'system': 'billing', 'table': 'invoices', 'staging_model': 'stg_billing__invoices'},
        {'system': 'web_analytics', 'table': 'sessions', 'staging_model': 'stg_web_analytics__sessions'},
        {'system': 'web_analytics', 'table': 'events', 'staging_model': 'stg_web_analytics__events'},
        {'system': 'ads', 'table': 'ad_performance', 'staging_model': 'stg_ads__campaign_days'},
        {'system': 'email', 'table': 'sends', 'staging_model': 'stg_email__sends'},
        {'system': 'email', 'table': 'events', 'staging_model': 'stg_email__events'},
        {'system': 'chat', 'table': 'conversations', 'staging_model': 'stg_chat__conversations'},
        {'system': 'chat', 'table': 'messages', 'staging_model': 'stg_chat__messages'},
        {'system': 'helpdesk', 'table': 'tickets', 'staging_model': 'stg_helpdesk__tickets'},
        {'system': 'helpdesk', 'table': 'ticket_events', 'staging_model': 'stg_helpdesk__ticket_events'},
        {'system': 'surveys', 'table': 'responses', 'staging_model': 'stg_surveys__responses'},
        {'system': 'ai_outputs', 'table': 'outputs', 'staging_model': 'stg_ai_outputs__outputs'},
        {'system': 'qa_reviews', 'table': 'reviews', 'staging_model': 'stg_qa_reviews__reviews'},
        {'system': 'product', 'table': 'usage_events', 'staging_model': 'stg_product__usage_events'},
        {'system': 'experiments', 'table': 'experiments', 'staging_model': 'stg_experiments__experiments'},
        {'system': 'experiments', 'table': 'variants', 'staging_model': 'stg_experiments__variants'},
        {'system': 'experiments', 'table': 'assignments', 'staging_model': 'stg_experiments__assignments'},
        {'system': 'touchpoints', 'table': 'touches', 'staging_model': 'stg_touchpoints__touches'},
        {'system': 'touchpoints', 'table': 'conversions', 'staging_model': 'stg_touchpoints__conversions'},
    ]) }}
{% endmacro %}
