"""The diagnostics recover the effects the simulator planted, and rarely fire elsewhere.

Built on the medium demo data. Prints the recovery and the firing rate on periods and segments
without a planted effect (run pytest with -s to see them).
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from conftest import Built

# The planted effects that a diagnostic rule should find: truth effect id -> (rule, grain,
# first period, segment type, segment value).
EXPECTED = {
    "d_smb_curiosity_without_confidence": (
        "curiosity_without_confidence", "month", date(2026, 3, 1), "audience", "smb",
    ),
    # planted on tickets created in the four ISO weeks of June 2026: read at month grain, since a
    # weekly median's distribution-free interval is too wide for one week of tickets
    "e_speed_over_understanding": (
        "speed_over_understanding", "month", date(2026, 6, 1), "all", "all",
    ),
}  # fmt: skip

# Where each planted effect legitimately shows: (rule, grain, period_start) and the segment it was
# planted in (None: every segment, because it was planted on the whole population).
PLANTED_ZONES = {
    ("curiosity_without_confidence", "month", date(2026, 3, 1)): ("audience", "smb"),
    ("curiosity_without_confidence", "month", date(2026, 4, 1)): ("audience", "smb"),
    ("curiosity_without_confidence", "quarter", date(2026, 1, 1)): ("audience", "smb"),
    ("curiosity_without_confidence", "quarter", date(2026, 4, 1)): ("audience", "smb"),
    ("speed_over_understanding", "month", date(2026, 6, 1)): None,
    ("speed_over_understanding", "quarter", date(2026, 4, 1)): None,
    **{("speed_over_understanding", "week", date(2026, 6, day)): None for day in (1, 8, 15, 22)},
}


def in_planted_zone(firing: tuple) -> bool:
    key = (firing[0], firing[1], firing[2])
    if key not in PLANTED_ZONES:
        return False
    segment = PLANTED_ZONES[key]
    return segment is None or (firing[3], firing[4]) in (segment, ("all", "all"))


@pytest.fixture(scope="module")
def firings(built_medium: Built) -> list[tuple]:
    with duckdb.connect(str(built_medium.serving_file), read_only=True) as connection:
        return connection.execute(
            "select rule_id, grain, period_start, segment_type, segment_value, evidence "
            "from kpi_diagnostics where is_closed_period"
        ).fetchall()


def test_truth_file_names_the_effects_the_test_expects(built_medium: Built) -> None:
    truth = json.loads((built_medium.workspace.raw_dir / "_truth.json").read_text())
    planted = {effect["id"]: effect for effect in truth["effects"]}
    for effect_id, (_, _, start, segment_type, segment_value) in EXPECTED.items():
        effect = planted[effect_id]
        assert effect["period"]["start"] == start.isoformat()
        if segment_type != "all":
            assert effect["segment"] == {"type": segment_type, "value": segment_value}


@pytest.mark.parametrize("effect_id", sorted(EXPECTED))
def test_planted_effect_fires_its_rule(firings: list[tuple], effect_id: str) -> None:
    rule, grain, start, segment_type, segment_value = EXPECTED[effect_id]
    matches = [
        firing
        for firing in firings
        if firing[0] == rule
        and firing[1] == grain
        and firing[2] == start
        and (firing[3], firing[4]) == (segment_type, segment_value)
    ]
    assert matches, f"{rule} did not fire for {grain} {start} {segment_type}={segment_value}"
    print(f"\n{effect_id}: {rule} fired, evidence: {matches[0][5]}")


def test_rules_rarely_fire_without_a_planted_effect(
    built_medium: Built, firings: list[tuple]
) -> None:
    with duckdb.connect(str(built_medium.serving_file), read_only=True) as connection:
        (evaluated,) = connection.execute(
            """
            select count(*) from (
                select distinct rules.rule_id, scorecard.grain, scorecard.period_start,
                    scorecard.segment_type, scorecard.segment_value
                from reference.diagnostic_rules as rules
                inner join kpi_scorecard as scorecard on rules.kpi_id = scorecard.kpi_id
                where scorecard.previous_value is not null and scorecard.is_closed_period
            )
            """
        ).fetchone()
    elsewhere = [firing for firing in firings if not in_planted_zone(firing)]
    rate = len(elsewhere) / evaluated
    print(
        f"\n{len(firings)} firings over {evaluated} evaluated rule x period x segment cells; "
        f"{len(elsewhere)} outside the planted effects ({rate:.2%}):"
    )
    for firing in elsewhere:
        print("  ", *firing[:5])
    # Each leg is tested at 95%, and a rule needs every leg to move: chance firings stay rare.
    assert rate < 0.02
