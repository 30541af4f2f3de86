{#
    Free text with email addresses and phone numbers replaced by [email] and [phone].
    Phone numbers: international (+ and 8-15 digits in groups), North-American style
    (555) 010-0199 / 555.010.0199, or a bare run of 10-15 digits. Dates, amounts and short ids survive.
    The email pattern runs only on text with an @ (it cannot match without one; most text has none).
#}
{% macro scrub_pii(column) -%}
    regexp_replace(
        case
            when strpos({{ column }}, '@') > 0
                then regexp_replace(
                    {{ column }},
                    '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}',
                    '[email]',
                    'g'
                )
            else {{ column }}
        end,
        '\+\d{1,3}([\s.-]?\(?\d{1,4}\)?){2,5}|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b\d{10,15}\b',
        '[phone]',
        'g'
    )
{%- endmacro %}
