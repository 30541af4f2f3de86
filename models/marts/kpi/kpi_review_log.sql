-- What each review published, and every later restatement of a published value, with its delta.
-- Append-only: `empathy refresh` carries the log from the served release into each build, so this
-- model only adds rows. Two kinds of rows are added by a build:
--   restated:  a value logged earlier (published or restated) that the new build computes
--              differently (late data), with the value logged before and the delta; a value the
--              build no longer publishes at all is restated as null with status 'withdrawn';
--   published: when the refresh runs a review (var review_cadence), the values of the closed
--              period it reviews at the cadence's grain, for the population and every segment.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    full_refresh=false,
) }}

{#- `empathy refresh` sets these as environment variables (so dbt can keep its parsed project between
    refreshes); a dbt var of the same name wins when dbt is run by hand -#}
{%- set cadence = var('review_cadence', env_var('EMPATHY_REVIEW_CADENCE', '')) or none -%}
{%- set release_id = var('release_id', env_var('EMPATHY_RELEASE_ID', 'unreleased')) -%}
{%- set review_id = var('review_id', env_var('EMPATHY_REVIEW_ID', 'unnamed')) -%}
{%- set grains = {'weekly': 'week', 'monthly': 'month', 'quarterly': 'quarter'} -%}
{%- if cadence is not none and cadence not in grains -%}
    {{ exceptions.raise_compiler_error(
        "var review_cadence must be one of weekly, monthly, quarterly; got '" ~ cadence ~ "'"
    ) }}
{%- endif %}

with

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

build as (

    select
        cast({{ "'" ~ release_id ~ "'" }} as {{ sql_type('varchar') }}) as release_id,
        cast(current_timestamp as timestamp) as logged_at

),

previously_logged as (

    {% if is_incremental() %}
    -- the latest logged value of each KPI x grain x period x segment
    select
        kpi_id,
        grain,
        period_start,
        segment_type,
        segment_value,
        value
    from (
        select
            *,
            row_number() over (
                partition by kpi_id, grain, period_start, segment_type, segment_value
                order by logged_at desc, entry_type asc
            ) as log_rank
        from {{ this }}
    ) as ranked_log
    where log_rank = 1
    {% else %}
    -- the first build has no log yet
    select
        cast(null as {{ sql_type('varchar') }}) as kpi_id,
        cast(null as {{ sql_type('varchar') }}) as grain,
        cast(null as date) as period_start,
        cast(null as {{ sql_type('varchar') }}) as segment_type,
        cast(null as {{ sql_type('varchar') }}) as segment_value,
        cast(null as {{ sql_type('double') }}) as value
    where false
    {% endif %}

),

find_restatements as (

    -- a logged value the build now computes differently, or no longer publishes at all
    select
        cast(null as {{ sql_type('varchar') }}) as review_id,
        cast(null as {{ sql_type('varchar') }}) as cadence,
        cast(null as date) as review_period_start,
        build.release_id,
        build.logged_at,
        cast('restated' as {{ sql_type('varchar') }}) as entry_type,
        previously_logged.kpi_id,
        previously_logged.grain,
        previously_logged.period_start,
        previously_logged.segment_type,
        previously_logged.segment_value,
        scorecard.value,
        scorecard.sample_size,
        coalesce(scorecard.status, 'withdrawn') as status,
        scorecard.definition_version,
        previously_logged.value as previous_value,
        scorecard.value - previously_logged.value as delta
    from previously_logged
    left join scorecard
        on
            previously_logged.kpi_id = scorecard.kpi_id
            and previously_logged.grain = scorecard.grain
            and previously_logged.period_start = scorecard.period_start
            and previously_logged.segment_type = scorecard.segment_type
            and previously_logged.segment_value = scorecard.segment_value
    cross join build
    where
        (previously_logged.value is null) != (scorecard.value is null)
        or abs(scorecard.value - previously_logged.value)
        > 1e-9 * greatest(1.0, abs(previously_logged.value))

),

find_reviewed_period as (

    {% if cadence is not none %}
    -- the latest period of the cadence's grain that closed on or before the as-of date
    select
        max(scorecard.period_start) as review_period_start
    from scorecard
    where
        scorecard.grain = '{{ grains[cadence] }}'
        and scorecard.is_closed_period
    {% else %}
    select cast(null as date) as review_period_start
    {% endif %}

),

list_published as (

    select
        cast({{ "'" ~ review_id ~ "'" }} as {{ sql_type('varchar') }}) as review_id,
        cast({{ "'" ~ cadence ~ "'" if cadence is not none else 'null' }} as {{ sql_type('varchar') }}) as cadence,
        find_reviewed_period.review_period_start,
        build.release_id,
        build.logged_at,
        cast('published' as {{ sql_type('varchar') }}) as entry_type,
        scorecard.kpi_id,
        scorecard.grain,
        scorecard.period_start,
        scorecard.segment_type,
        scorecard.segment_value,
        scorecard.value,
        scorecard.sample_size,
        scorecard.status,
        scorecard.definition_version,
        cast(null as {{ sql_type('double') }}) as previous_value,
        cast(null as {{ sql_type('double') }}) as delta
    from scorecard
    inner join find_reviewed_period
        on scorecard.period_start = find_reviewed_period.review_period_start
    cross join build
    where scorecard.grain = '{{ grains.get(cadence, "none") }}'

),

final as (

    select * from find_restatements
    union all
    select * from list_published

)

select * from final
