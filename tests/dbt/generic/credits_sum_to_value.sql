{#-
    Fails for every conversion x attribution model whose credits do not add up to the conversion's
    value: a conversion missing from the model (or missing one attribution model), credits that sum
    to more or less than the value beyond the tolerance, or a null sum where the value is not null
    (and the reverse). `conversions` is the relation that lists every conversion once, with the
    key `conversion_key` and the expression `value_expression` (the value, or 1.0 to check shares);
    `models` lists the attribution models every conversion must be credited under. The tolerance
    is absolute up to a value of 1 and relative above it.
-#}
{% test credits_sum_to_value(
    model,
    conversions,
    models,
    conversion_key='conversion_id',
    model_column='model',
    credit_column='credit',
    value_expression='conversion_value',
    tolerance=1e-9
) %}

with

expected as (

    select
        conversions.{{ conversion_key }} as conversion_key,
        attribution_models.attribution_model,
        cast({{ value_expression }} as {{ sql_type('double') }}) as expected_value
    from {{ conversions }} as conversions
    cross join (
        {%- for name in models %}
        select '{{ name }}' as attribution_model
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ) as attribution_models

),

credited as (

    select
        {{ conversion_key }} as conversion_key,
        {{ model_column }} as attribution_model,
        sum({{ credit_column }}) as credited_value,
        count(*) as credited_rows
    from {{ model }}
    group by 1, 2

),

compared as (

    select
        expected.conversion_key,
        expected.attribution_model,
        expected.expected_value,
        credited.credited_value,
        coalesce(credited.credited_rows, 0) as credited_rows
    from expected
    left join credited
        on
            expected.conversion_key = credited.conversion_key
            and expected.attribution_model = credited.attribution_model

)

select * from compared
where credited_rows = 0
    or (expected_value is null) <> (credited_value is null)
    or abs(credited_value - expected_value)
    > {{ tolerance }} * greatest(abs(expected_value), 1.0)

{% endtest %}
