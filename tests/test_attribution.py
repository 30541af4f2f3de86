"""Multi-touch attribution (attribution_credits, fct_attribution_summary) on the demo build: every
model credits every conversion, credits add up to the value, an independent recomputation in
Python of all five models matches to 1e-9, and trust-building touches earn more under the
multi-touch models than under last touch. Each check is a function that lists what is wrong; the
last tests break in-memory copies of the tables on purpose and make sure every check notices."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import PROJECT_DIR, Built

TOLERANCE = 1e-9
MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")
MULTI_TOUCH = ("linear", "position_based", "time_decay")
UNATTRIBUTED = "unattributed"

Key = tuple[str, str | None, str]  # conversion_id, touchpoint_id (None: unattributed), model
Check = Callable[[duckdb.DuckDBPyConnection], list[str]]


# -- settings and the independent recomputation ---------------------------------------------------


def attribution_vars() -> tuple[float, float]:
    """(lookback days, half-life days) as dbt_project.yml sets them."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    settings = project["vars"]
    return float(settings["attribution_lookback_days"]), float(
        settings["attribution_half_life_days"]
    )


def trust_building_types() -> set[str]:
    with (PROJECT_DIR / "seeds" / "reference" / "touch_types.csv").open() as seed:
        return {
            row["touch_type"] for row in csv.DictReader(seed) if row["is_trust_building"] == "true"
        }


def shares_by_model(days_before: list[float], half_life: float) -> dict[str, list[float]]:
    """Each model's shares for touches in time order (ties already ordered by touch id)."""
    n = len(days_before)
    first = [1.0 if i == 0 else 0.0 for i in range(n)]
    last = [1.0 if i == n - 1 else 0.0 for i in range(n)]
    if n == 1:
        position = [1.0]
    elif n == 2:
        position = [0.5, 0.5]
    else:
        position = [0.4, *([0.2 / (n - 2)] * (n - 2)), 0.4]
    decay = [2.0 ** (-days / half_life) for days in days_before]
    return {
        "first_touch": first,
        "last_touch": last,
        "linear": [1.0 / n] * n,
        "position_based": position,
        "time_decay": [weight / sum(decay) for weight in decay],
    }


def recompute(connection: duckdb.DuckDBPyConnection) -> dict[Key, float]:
    """Every conversion's credit share per touch and model, from the staged touches and
    conversions, with the window and half-life of dbt_project.yml."""
    lookback_days, half_life = attribution_vars()
    touches: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for touch_id, customer_id, touched_at in connection.execute(
        "select touch_id, customer_id, touched_at from staging.stg_touchpoints__touches"
    ).fetchall():
        if customer_id is not None:
            touches[customer_id].append((touched_at, touch_id))
    for customer_touches in touches.values():
        customer_touches.sort()
    expected: dict[Key, float] = {}
    for conversion_id, customer_id, converted_at in connection.execute(
        "select conversion_id, customer_id, converted_at from staging.stg_touchpoints__conversions"
    ).fetchall():
        start = converted_at - timedelta(days=lookback_days)
        window = [
            (touched_at, touch_id)
            for touched_at, touch_id in touches.get(customer_id, [])
            if start <= touched_at <= converted_at
        ]
        if not window:
            for model in MODELS:
                expected[(conversion_id, None, model)] = 1.0
            continue
        days_before = [(converted_at - touched_at) / timedelta(days=1) for touched_at, _ in window]
        for model, shares in shares_by_model(days_before, half_life).items():
            for (_, touch_id), share in zip(window, shares, strict=True):
                expected[(conversion_id, touch_id, model)] = share
    return expected


# -- the checks (each returns what is wrong) ------------------------------------------------------


def check_every_model_credits_every_conversion(connection: duckdb.DuckDBPyConnection) -> list[str]:
    problems = []
    models = {
        row[0]
        for row in connection.execute("select distinct model from attribution_credits").fetchall()
    }
    if models != set(MODELS):
        problems.append(f"models {sorted(models)} instead of {sorted(MODELS)}")
    missing = connection.execute(
        """
        select conversions.conversion_id, models.model
        from staging.stg_touchpoints__conversions as conversions
        cross join (select unnest(?) as model) as models
        anti join attribution_credits as credits
            on conversions.conversion_id = credits.conversion_id and models.model = credits.model
        """,
        [list(MODELS)],
    ).fetchall()
    problems += [f"{conversion_id} has no {model} credit" for conversion_id, model in missing]
    return problems


def check_credits_sum_to_value(connection: duckdb.DuckDBPyConnection) -> list[str]:
    sums = connection.execute(
        """
        select conversion_id, model, sum(credit), sum(credit_share), any_value(conversion_value)
        from attribution_credits group by 1, 2
        """
    ).fetchall()
    problems = []
    for conversion_id, model, credit, share, value in sums:
        if abs(credit - value) > TOLERANCE * max(1.0, abs(value)):
            problems.append(f"{conversion_id} {model}: credits {credit!r} <> value {value!r}")
        if abs(share - 1.0) > TOLERANCE:
            problems.append(f"{conversion_id} {model}: shares sum to {share!r}")
    if not sums:
        problems.append("no credits at all")
    return problems


def check_matches_recomputation(connection: duckdb.DuckDBPyConnection) -> list[str]:
    expected = recompute(connection)
    rows = connection.execute(
        """
        select conversion_id, touchpoint_id, model, credit_share, credit, conversion_value,
            is_unattributed, channel, touch_type, touch_group, is_trust_building
        from attribution_credits
        """
    ).fetchall()
    trust_types = trust_building_types()
    problems = []
    seen: set[Key] = set()
    for conversion_id, touch_id, model, share, credit, value, unattributed, *labels in rows:
        key = (conversion_id, touch_id, model)
        seen.add(key)
        if key not in expected:
            problems.append(f"{key} is not in any window")
            continue
        if abs(share - expected[key]) > TOLERANCE:
            problems.append(f"{key}: share {share!r}, recomputed {expected[key]!r}")
        if abs(credit - value * expected[key]) > TOLERANCE * max(1.0, abs(value)):
            problems.append(f"{key}: credit {credit!r}, recomputed {value * expected[key]!r}")
        channel, touch_type, touch_group, trust = labels
        if unattributed != (touch_id is None):
            problems.append(f"{key}: is_unattributed {unattributed}")
        if touch_id is None and (channel, touch_type, touch_group) != (UNATTRIBUTED,) * 3:
            problems.append(
                f"{key}: unattributed row labelled {channel}, {touch_type}, {touch_group}"
            )
        if trust != (touch_type in trust_types):
            problems.append(f"{key}: is_trust_building {trust} for {touch_type}")
    problems += [f"{key} missing" for key in sorted(set(expected) - seen, key=str)]
    return problems


def trust_building_credit(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, float]]:
    """model -> (credit, share of all conversion value) of trust-building touches, all time."""
    rows = connection.execute(
        """
        select model, credit, credit_share from fct_attribution_summary
        where grain = 'all' and dimension = 'touch_group' and dimension_value = 'trust_building'
        """
    ).fetchall()
    return {model: (credit, share) for model, credit, share in rows}


def check_trust_building_earns_more_than_under_last_touch(
    connection: duckdb.DuckDBPyConnection,
) -> list[str]:
    credit = trust_building_credit(connection)
    if "last_touch" not in credit:
        return ["no last_touch row for trust_building"]
    last = credit["last_touch"][0]
    return [
        f"trust-building touches earn {credit.get(model, (None,))[0]} under {model}, "
        f"not more than {last} under last touch"
        for model in MULTI_TOUCH
        if model not in credit or not credit[model][0] > last
    ]


def check_summary_matches_credits(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The summary's credit and its comparison with last touch, re-added from the credits."""
    credits = connection.execute(
        """
        select model, converted_at, channel, touch_type, touch_group, credit
        from attribution_credits
        """
    ).fetchall()
    totals: dict[tuple[str, str | None, str, str, str], float] = defaultdict(float)
    for model, converted_at, channel, touch_type, touch_group, credit in credits:
        month = converted_at.date().replace(day=1)
        quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
        for grain, start in (("month", month), ("quarter", quarter), ("all", None)):
            for dimension, value in (
                ("channel", channel),
                ("touch_type", touch_type),
                ("touch_group", touch_group),
            ):
                totals[(grain, start and start.isoformat(), dimension, value, model)] += credit
    summary = connection.execute(
        """
        select grain, strftime(period_start, '%Y-%m-%d'), dimension, dimension_value, model,
            credit, last_touch_credit, credit_vs_last_touch
        from fct_attribution_summary
        """
    ).fetchall()
    problems = []
    seen = set()
    for grain, start, dimension, value, model, credit, last_credit, difference in summary:
        key = (grain, start, dimension, value, model)
        seen.add(key)
        expected = totals.get(key)
        last_expected = totals.get((grain, start, dimension, value, "last_touch"), 0.0)
        scale = max(1.0, abs(expected or 0.0))
        if expected is None or abs(credit - expected) > TOLERANCE * scale:
            problems.append(f"{key}: credit {credit!r}, from the credits {expected!r}")
        elif abs(last_credit - last_expected) > TOLERANCE * max(1.0, last_expected):
            problems.append(f"{key}: last-touch credit {last_credit!r}, expected {last_expected!r}")
        elif abs(difference - (expected - last_expected)) > TOLERANCE * scale:
            problems.append(f"{key}: difference {difference!r}")
    problems += [f"{key} missing from the summary" for key in sorted(set(totals) - seen, key=str)]
    return problems


# -- on the demo build ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def connection(built: Built) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(built.serving_file), read_only=True) as opened:
        yield opened


@pytest.mark.slow
def test_every_model_credits_every_conversion(connection: duckdb.DuckDBPyConnection) -> None:
    assert check_every_model_credits_every_conversion(connection) == []


@pytest.mark.slow
def test_credits_sum_to_the_conversion_value(connection: duckdb.DuckDBPyConnection) -> None:
    assert check_credits_sum_to_value(connection) == []


@pytest.mark.slow
def test_all_five_models_match_an_independent_recomputation(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    assert check_matches_recomputation(connection) == []
    # the demo data holds every edge case the recomputation is meant to cover
    windows = connection.execute(
        """
        select
            count(distinct conversion_id) filter (where is_unattributed),
            count(distinct conversion_id) filter (where touch_count = 1),
            count(distinct conversion_id) filter (where touch_count = 2),
            count(distinct conversion_id) filter (where touch_count >= 3)
        from attribution_credits
        """
    ).fetchone()
    assert windows is not None and all(count > 0 for count in windows), windows
    tied = connection.execute(
        """
        select count(*) from (
            select conversion_id, touched_at from attribution_credits
            where model = 'linear' and not is_unattributed
            group by 1, 2 having count(*) > 1
        )
        """
    ).fetchone()
    assert tied is not None and tied[0] > 0


@pytest.mark.slow
def test_window_and_half_life_are_the_configured_vars(
    built: Built, connection: duckdb.DuckDBPyConnection
) -> None:
    lookback_days, _ = attribution_vars()
    row = connection.execute(
        "select min(days_before_conversion), max(days_before_conversion) from attribution_credits"
    ).fetchone()
    assert row is not None and row[0] >= 0 and row[1] <= lookback_days
    # the dbt unit tests that run both models with other values of the vars are in the project
    manifest = json.loads(built.manifest.read_text())
    overridden = {
        name
        for test in manifest["unit_tests"].values()
        for name in ((test.get("overrides") or {}).get("vars") or {})
    }
    assert {"attribution_lookback_days", "attribution_half_life_days"} <= overridden


@pytest.mark.slow
def test_trust_building_touches_earn_more_under_multi_touch_models(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    assert check_trust_building_earns_more_than_under_last_touch(connection) == []


@pytest.mark.slow
def test_summary_adds_up_the_credits(connection: duckdb.DuckDBPyConnection) -> None:
    assert check_summary_matches_credits(connection) == []


# -- the checks notice a broken table -------------------------------------------------------------

BREAKAGES: dict[str, tuple[Check, str]] = {
    "a credit off by a cent": (
        check_credits_sum_to_value,
        "update attribution_credits set credit = credit + 0.01 where rowid = 0",
    ),
    "a share off by 1e-6": (
        check_matches_recomputation,
        """update attribution_credits set credit_share = credit_share + 1e-6
        where rowid = (select min(rowid) from attribution_credits where model = 'time_decay')""",
    ),
    "one model missing for one conversion": (
        check_every_model_credits_every_conversion,
        """delete from attribution_credits where model = 'position_based'
        and conversion_id = (select min(conversion_id) from attribution_credits)""",
    ),
    "a conversion dropped altogether": (
        check_every_model_credits_every_conversion,
        """delete from attribution_credits
        where conversion_id = (select min(conversion_id) from attribution_credits)""",
    ),
    "a tie broken the other way": (
        check_matches_recomputation,
        # first touch moved to the later touch_id of two touches tied at the first instant
        """update attribution_credits set credit_share = 1 - credit_share,
            credit = conversion_value * (1 - credit_share)
        where model = 'first_touch' and touch_position <= 2 and conversion_id = (
            select min(conversion_id) from (
                select conversion_id from attribution_credits
                where model = 'first_touch' and touch_position <= 2
                group by conversion_id
                having count(*) = 2 and count(distinct touched_at) = 1
            )
        )""",
    ),
    "an unattributed conversion labelled as a channel": (
        check_matches_recomputation,
        "update attribution_credits set channel = 'email' where is_unattributed",
    ),
    "trust-building earning less under linear": (
        check_trust_building_earns_more_than_under_last_touch,
        """update fct_attribution_summary set credit = 0
        where grain = 'all' and dimension = 'touch_group' and dimension_value = 'trust_building'
            and model = 'linear'""",
    ),
    "a summary credit off": (
        check_summary_matches_credits,
        """update fct_attribution_summary set credit = credit * 1.001
        where rowid = (select min(rowid) from fct_attribution_summary where credit > 0)""",
    ),
}


@pytest.fixture(scope="module")
def served_tables(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The attribution tables and their staged inputs, copied out of the served file once."""
    copy = tmp_path_factory.mktemp("attribution") / "tables.duckdb"
    with duckdb.connect(str(copy)) as target:
        # the staged views name their catalog after the served file: warehouse
        target.execute(f"attach '{built.serving_file}' as warehouse (read_only)")
        target.execute("create schema staging")
        for schema, table in (
            ("staging", "stg_touchpoints__touches"),
            ("staging", "stg_touchpoints__conversions"),
            ("main", "attribution_credits"),
            ("main", "fct_attribution_summary"),
        ):
            target.execute(
                f"create table {schema}.{table} as select * from warehouse.{schema}.{table}"
            )
        target.execute("detach warehouse")
    return copy


@pytest.mark.slow
@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_each_check_notices_its_breakage(
    breakage: str, served_tables: Path, tmp_path: Path
) -> None:
    check, statement = BREAKAGES[breakage]
    copy = tmp_path / "broken.duckdb"
    copy.write_bytes(served_tables.read_bytes())
    with duckdb.connect(str(copy)) as broken:
        assert check(broken) == [], "the copy is broken before the breakage"
        changed = broken.execute(statement).fetchone()
        assert changed is not None and changed[0] > 0, "the breakage changed no row"
        assert check(broken) != []
