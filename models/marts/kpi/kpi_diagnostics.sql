-- The combination rules of KPI_SPEC section 6 evaluated for every grain, period and segment: a
-- rule fires only when every one of its legs moved as stated, outside noise.
with

rules as (

    select * from {{ ref('diagnostic_rules') }}

),

scorecard as (

    select * from {{ ref('kpi_scorecard') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

rule_texts as (

    select
        rule_id,
        max(rule_name) as rule_name,
        max(severity) as severity,
        max(message) as message,
        max(playbook) as playbook,
        count(distinct leg) as legs
    from rules
    group by 1

),

movements as (

    select
        scorecard.kpi_id,
        scorecard.grain,
        scorecard.period_start,
        scorecard.segment_type,
        scorecard.segment_value,
        scorecard.is_closed_period,
        scorecard.owner,
        definitions.is_starter,
        case
            when scorecard.change_is_significant and scorecard.change > 0 then 'up'
            when scorecard.change_is_significant and scorecard.change < 0 then 'down'
        end as significant_move,
        case
            when
                scorecard.change_is_significant
                and (scorecard.change > 0) = (scorecard.direction = 'higher_is_better')
                then 'improves'
            when scorecard.change_is_significant then 'worsens'
        end as significant_effect,
        scorecard.is_sufficient
        and scorecard.previous_sample_size >= {{ var('min_sample_size') }}
        and scorecard.change_z is not null
        and not scorecard.change_is_significant as is_flat,
        scorecard.kpi_id || ' ' || case when scorecard.change >= 0 then '+' else '' end
        || {{ rounded_text('scorecard.change', 4) }}
        || ' (' || {{ rounded_text('scorecard.previous_value', 4) }}
        || ' -> ' || {{ rounded_text('scorecard.value', 4) }}
        || ', z = ' || {{ rounded_text('scorecard.change_z', 2) }}
        || ', n = ' || cast(scorecard.sample_size as {{ sql_type('varchar') }}) || ')' as evidence
    from scorecard
    inner join definitions
        on scorecard.kpi_id = definitions.kpi_id
    where
        scorecard.previous_value is not null
        -- channel means the traffic source for web KPIs but the contact channel for support and
        -- survey KPIs, so legs of one rule are not comparable by channel; unknown is no segment
        and scorecard.segment_type <> 'channel'
        and scorecard.segment_value <> 'unknown'

),

named_kpis as (

    select distinct
        rule_id,
        kpi_id
    from rules
    where kpi_id <> '*'

),

leg_matches as (

    select
        rules.rule_id,
        rules.leg,
        movements.grain,
        movements.period_start,
        movements.segment_type,
        movements.segment_value,
        movements.is_closed_period,
        movements.owner,
        movements.evidence
    from rules
    inner join movements
        on
            rules.kpi_id = movements.kpi_id
            or (rules.kpi_id = '*' and movements.is_starter)
    left join named_kpis
        on
            rules.rule_id = named_kpis.rule_id
            and rules.kpi_id = '*'
            and movements.kpi_id = named_kpis.kpi_id
    where
        named_kpis.kpi_id is null
        and (
            (rules.movement in ('up', 'down') and movements.significant_move = rules.movement)
            or (rules.movement in ('improves', 'worsens') and movements.significant_effect = rules.movement)
            or (rules.movement = 'flat' and movements.is_flat)
        )

),

fired as (

    select
        leg_matches.rule_id,
        leg_matches.grain,
        leg_matches.period_start,
        leg_matches.segment_type,
        leg_matches.segment_value,
        bool_and(leg_matches.is_closed_period) as is_closed_period,
        count(distinct leg_matches.leg) as legs_matched,
        -- in a stable order, so the same changes always read the same
        {{ dbt.listagg('distinct leg_matches.evidence', "'; '", 'order by leg_matches.evidence') }} as evidence,
        {{ dbt.listagg('distinct leg_matches.owner', "', '", 'order by leg_matches.owner') }} as owners
    from leg_matches
    group by 1, 2, 3, 4, 5

),

final as (

    select
        fired.rule_id,
        rule_texts.rule_name,
        fired.grain,
        fired.period_start,
        fired.segment_type,
        fired.segment_value,
        rule_texts.severity,
        rule_texts.message,
        rule_texts.playbook,
        fired.evidence,
        fired.owners,
        fired.is_closed_period
    from fired
    inner join rule_texts
        on fired.rule_id = rule_texts.rule_id
    where fired.legs_matched = rule_texts.legs

)

select * from final
