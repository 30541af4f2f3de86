-- One row per calendar day: the time spine MetricFlow joins to for time-based queries (declared with
-- `time_spine:` in _semantic__models.yml). It spans far beyond any data so no query runs off its end.
with

days as (

    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2051-01-01' as date)") }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
