"""The statistics of kpi_scorecard recomputed independently in Python from the observations."""

from __future__ import annotations

import math
from collections import defaultdict

import duckdb
import numpy as np
import pytest

from conftest import Built

Z = 1.959963984540054
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def connection(built: Built) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(built.serving_file), read_only=True)


def monthly_observations(
    connection: duckdb.DuckDBPyConnection, aggregation: str
) -> dict[tuple[str, str], list[tuple[float, float]]]:
    rows = connection.execute(
        """
        select observations.kpi_id, strftime(observations.observed_at, '%Y-%m-01'),
            observations.numerator, observations.denominator
        from intermediate.int_kpi_observations as observations
        inner join kpi_definitions as definitions on observations.kpi_id = definitions.kpi_id
        where definitions.aggregation = ? and observations.grain is null
        """,
        [aggregation],
    ).fetchall()
    grouped: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for kpi_id, month, numerator, denominator in rows:
        grouped[(kpi_id, month)].append((numerator, denominator))
    return grouped


def published(connection: duckdb.DuckDBPyConnection, aggregation: str) -> dict:
    rows = connection.execute(
        """
        select scorecard.kpi_id, strftime(scorecard.period_start, '%Y-%m-%d'), scorecard.value,
            scorecard.sample_size, scorecard.ci_low, scorecard.ci_high
        from kpi_scorecard as scorecard
        inner join kpi_definitions as definitions on scorecard.kpi_id = definitions.kpi_id
        where definitions.aggregation = ? and scorecard.grain = 'month'
            and scorecard.segment_type = 'all'
        """,
        [aggregation],
    ).fetchall()
    return {(kpi, month): (value, n, low, high) for kpi, month, value, n, low, high in rows}


def wilson(successes: float, n: float) -> tuple[float, float]:
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def test_proportions_carry_wilson_intervals(connection: duckdb.DuckDBPyConnection) -> None:
    observations = monthly_observations(connection, "proportion")
    values = published(connection, "proportion")
    checked = 0
    for key, units in observations.items():
        successes = sum(numerator for numerator, _ in units)
        n = sum(denominator for _, denominator in units)
        value, sample_size, low, high = values[key]
        assert sample_size == n
        assert value == pytest.approx(successes / n, abs=TOLERANCE)
        expected_low, expected_high = wilson(successes, n)
        assert low == pytest.approx(expected_low, abs=TOLERANCE), key
        assert high == pytest.approx(expected_high, abs=TOLERANCE), key
        checked += 1
    assert checked > 100


def test_nps_uses_its_standard_error(connection: duckdb.DuckDBPyConnection) -> None:
    observations = monthly_observations(connection, "nps")
    values = published(connection, "nps")
    assert observations
    for key, units in observations.items():
        n = len(units)
        promoters = sum(1 for numerator, _ in units if numerator > 0) / n
        detractors = sum(1 for numerator, _ in units if numerator < 0) / n
        nps = 100 * (promoters - detractors)
        error = 100 * math.sqrt((promoters + detractors - (promoters - detractors) ** 2) / n)
        value, sample_size, low, high = values[key]
        assert sample_size == n
        assert value == pytest.approx(nps, abs=TOLERANCE)
        assert low == pytest.approx(nps - Z * error, abs=TOLERANCE)
        assert high == pytest.approx(nps + Z * error, abs=TOLERANCE)


def test_means_carry_t_style_intervals(connection: duckdb.DuckDBPyConnection) -> None:
    observations = monthly_observations(connection, "mean")
    values = published(connection, "mean")
    assert observations
    for key, units in observations.items():
        data = np.array([numerator for numerator, _ in units], dtype=float)
        if len(data) < 2:
            continue
        error = data.std(ddof=1) / math.sqrt(len(data))
        value, _, low, high = values[key]
        assert value == pytest.approx(data.mean(), rel=TOLERANCE)
        assert low == pytest.approx(data.mean() - Z * error, rel=1e-7, abs=1e-9)
        assert high == pytest.approx(data.mean() + Z * error, rel=1e-7, abs=1e-9)


@pytest.mark.parametrize(("aggregation", "quantile"), [("median", 0.5), ("p90", 0.9)])
def test_quantiles_match_numpy_and_order_statistics(
    connection: duckdb.DuckDBPyConnection, aggregation: str, quantile: float
) -> None:
    observations = monthly_observations(connection, aggregation)
    values = published(connection, aggregation)
    assert observations
    for key, units in observations.items():
        data = np.sort(np.array([numerator for numerator, _ in units], dtype=float))
        n = len(data)
        spread = Z * math.sqrt(n * quantile * (1 - quantile))
        low_rank = min(max(math.floor(n * quantile - spread), 1), n)
        high_rank = min(max(math.ceil(n * quantile + spread) + 1, 1), n)
        value, sample_size, low, high = values[key]
        assert sample_size == n
        assert value == pytest.approx(np.quantile(data, quantile), abs=1e-9), key
        assert low == data[low_rank - 1] and high == data[high_rank - 1], key


def test_changes_use_the_pooled_two_proportion_z(connection: duckdb.DuckDBPyConnection) -> None:
    rows = connection.execute(
        """
        select current_period.numerator, current_period.denominator,
            previous_period.numerator, previous_period.denominator, current_period.change_z
        from kpi_scorecard as current_period
        inner join kpi_scorecard as previous_period
            on current_period.kpi_id = previous_period.kpi_id
            and current_period.grain = previous_period.grain
            and current_period.segment_type = previous_period.segment_type
            and current_period.segment_value = previous_period.segment_value
            and previous_period.period_start = current_period.period_start - interval 1 month
        inner join kpi_definitions as definitions on current_period.kpi_id = definitions.kpi_id
        where definitions.aggregation = 'proportion' and current_period.grain = 'month'
            and current_period.segment_type = 'all'
        """
    ).fetchall()
    assert len(rows) > 100
    for x1, n1, x2, n2, z in rows:
        pooled = (x1 + x2) / (n1 + n2)
        denominator = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        if denominator == 0:
            assert z is None
            continue
        assert z == pytest.approx((x1 / n1 - x2 / n2) / denominator, abs=1e-9)
