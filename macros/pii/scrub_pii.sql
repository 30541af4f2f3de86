{#
    Free text with email addresses and phone numbers replaced by [email] and [phone].
    Phone numbers: international (+ and 8-15 digits in groups), North-American style
    (555) 010-0199 / 555.010.0199, or a bare run of 10-15 digits. Dates, amounts and short ids survive.
    The email pattern runs only on text with an @ (it cannot match without one; most text has none).
#}
{% macro scrub_pii(column) -%}
    {%- set with_emails_scrubbed -%}
        case
            when position('@' in {{ column }}) > 0
                then {{ regex_replace_all(column, '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}', '[email]') }}
            else {{ column }}
        end
    {%- endset -%}
    {{ regex_replace_all(with_emails_scrubbed, '\\+\\d{1,3}([\\s.-]?\\(?\\d{1,4}\\)?){2,5}|\\(?\\b\\d{3}\\)?[\\s.-]\\d{3}[\\s.-]\\d{4}\\b|\\b\\d{10,15}\\b', '[phone]') }}
{%- endmacro %}
