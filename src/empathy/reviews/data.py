"""The read-only queries a review pack needs, over the governed tables of a published release.

Every KPI value comes from `kpi_scorecard`; fired rules from `kpi_diagnostics`; registry text
(names, playbooks) from `kpi_definitions`; restatements from `kpi_review_log`. Two things no
governed table holds are read from the marts, each in one query named for it:
`read_negative_theme_counts` (negative mentions per theme and example comments of a period, from
`fct_comment_themes`) and `read_mrr_movements` (the MRR bridge per month, from
`fct_mrr_movements`). Experiment read-outs and attribution are read in `experiment_reads` and
`attribution_reads`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from empathy.reviews.periods import FINER_GRAIN, period_end

POPULATION = ("all", "all")
LAYERS = ("experience", "engagement", "operational", "commercial", "governance")


@dataclass(frozen=True)
class Release:
    release_id: str
    built_at: datetime | None


@dataclass(frozen=True)
class KpiDefinition:
    kpi_id: str
    name: str
    layer: str
    definition: str
    unit: str
    direction: str
    owner: str
    playbook: str
    is_starter: bool
    definition_version: int
    cadences: tuple[str, ...]

    def is_reviewed(self, cadence: str) -> bool:
        """The registry lists the cadence for this KPI (no list: every cadence)."""
        return not self.cadences or cadence in self.cadences


@dataclass(frozen=True)
class ScoreRow:
    """One `kpi_scorecard` row, with the sufficiency of the period it is compared with."""

    kpi_id: str
    name: str
    layer: str
    grain: str
    period_start: date
    segment_type: str
    segment_value: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    sample_size: int | None
    is_sufficient: bool
    previous_value: float | None
    previous_is_sufficient: bool
    change: float | None
    change_z: float | None
    change_is_significant: bool
    status: str
    owner: str
    unit: str
    direction: str
    warn_threshold: float | None
    breach_threshold: float | None
    definition_version: int

    @property
    def key(self) -> tuple[str, str, date, str, str]:
        return (self.kpi_id, self.grain, self.period_start, self.segment_type, self.segment_value)

    @property
    def is_population(self) -> bool:
        return (self.segment_type, self.segment_value) == POPULATION

    @property
    def segment(self) -> str:
        return "population" if self.is_population else f"{self.segment_type} = {self.segment_value}"

    @property
    def change_is_comparable(self) -> bool:
        """Both periods are above the minimum sample, so the change may be shown."""
        return self.is_sufficient and self.previous_is_sufficient and self.change is not None

    @property
    def change_is_good(self) -> bool:
        if self.change is None:
            return False
        return (self.change > 0) == (self.direction == "higher_is_better")


@dataclass(frozen=True)
class Diagnostic:
    rule_id: str
    rule_name: str
    grain: str
    period_start: date
    segment_type: str
    segment_value: str
    severity: str
    message: str
    playbook: str
    evidence: str
    owners: str

    @property
    def segment(self) -> str:
        if (self.segment_type, self.segment_value) == POPULATION:
            return "population"
        return f"{self.segment_type} = {self.segment_value}"


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    negative_mentions: int
    mentions: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class MrrMonth:
    month_start: date
    start_mrr: float
    new: float
    expansion: float
    reactivation: float
    contraction: float
    churn: float
    end_mrr: float


@dataclass(frozen=True)
class Restatement:
    logged_at: datetime
    release_id: str
    kpi_id: str
    grain: str
    period_start: date
    segment_type: str
    segment_value: str
    value: float | None
    sample_size: int | None
    status: str
    definition_version: int | None
    previous_value: float | None
    previous_sample_size: int | None
    delta: float | None

    @property
    def segment(self) -> str:
        if (self.segment_type, self.segment_value) == POPULATION:
            return "population"
        return f"{self.segment_type} = {self.segment_value}"


@dataclass(frozen=True)
class RestatementLog:
    """Restatements logged since the previous review of a cadence."""

    log_exists: bool
    previous_review_at: datetime | None
    rows: tuple[Restatement, ...] = field(default_factory=tuple)


def records(
    connection: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> list[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name."""
    cursor = connection.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def table_exists(
    connection: duckdb.DuckDBPyConnection, table: str, *, schema: str = "main"
) -> bool:
    found = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def read_release(connection: duckdb.DuckDBPyConnection) -> Release:
    rows = records(
        connection,
        "select release_id, built_at from main.warehouse_release order by built_at desc limit 1",
    )
    if not rows:
        return Release("unknown", None)
    return Release(str(rows[0]["release_id"]), rows[0]["built_at"])


def read_definitions(connection: duckdb.DuckDBPyConnection) -> dict[str, KpiDefinition]:
    rows = records(
        connection,
        """
        select kpi_id, name, layer, definition, unit, direction, owner, playbook,
            coalesce(is_starter, false) as is_starter, definition_version,
            coalesce(cadences, '') as cadences
        from main.kpi_definitions
        order by kpi_id
        """,
    )
    return {
        row["kpi_id"]: KpiDefinition(
            **{**row, "cadences": tuple(c for c in row["cadences"].split("|") if c)}
        )
        for row in rows
    }


def read_min_sample_size(connection: duckdb.DuckDBPyConnection) -> int | None:
    """The minimum sample as the release applied it: the smallest sample judged sufficient.

    The warehouse does not store the dbt variable `min_sample_size` itself.
    """
    found = connection.execute(
        "select min(sample_size) from main.kpi_scorecard where is_sufficient"
    ).fetchone()
    return int(found[0]) if found and found[0] is not None else None


_SCORE_COLUMNS = """
    current_period.kpi_id,
    current_period.kpi_name as name,
    current_period.layer,
    current_period.grain,
    current_period.period_start,
    current_period.segment_type,
    current_period.segment_value,
    current_period.value,
    current_period.ci_low,
    current_period.ci_high,
    current_period.sample_size,
    coalesce(current_period.is_sufficient, false) as is_sufficient,
    current_period.previous_value,
    coalesce(previous_period.is_sufficient, false) as previous_is_sufficient,
    current_period.change,
    current_period.change_z,
    coalesce(current_period.change_is_significant, false) as change_is_significant,
    current_period.status,
    current_period.owner,
    current_period.unit,
    current_period.direction,
    current_period.warn_threshold,
    current_period.breach_threshold,
    current_period.definition_version
"""

_SCORE_FROM = """
    from main.kpi_scorecard as current_period
    left join main.kpi_scorecard as previous_period
        on
            current_period.kpi_id = previous_period.kpi_id
            and current_period.grain = previous_period.grain
            and current_period.segment_type = previous_period.segment_type
            and current_period.segment_value = previous_period.segment_value
            and previous_period.period_end + 1 = current_period.period_start
"""


def read_scores(
    connection: duckdb.DuckDBPyConnection,
    grain: str,
    period_starts: Sequence[date],
    *,
    population_only: bool = False,
    kpi_ids: Sequence[str] | None = None,
    segment_type: str | None = None,
) -> list[ScoreRow]:
    """Scorecard rows of `grain` for the given periods, optionally narrowed."""
    if not period_starts:
        return []
    conditions = ["current_period.grain = ?", "current_period.period_start in ?"]
    params: list[object] = [grain, list(period_starts)]
    if population_only:
        conditions.append("current_period.segment_type = 'all'")
        conditions.append("current_period.segment_value = 'all'")
    if kpi_ids is not None:
        conditions.append("current_period.kpi_id in ?")
        params.append(list(kpi_ids) or [""])
    if segment_type is not None:
        conditions.append("current_period.segment_type = ?")
        params.append(segment_type)
    sql = (
        f"select {_SCORE_COLUMNS} {_SCORE_FROM} where {' and '.join(conditions)} "
        "order by current_period.kpi_id, current_period.period_start, "
        "current_period.segment_type, current_period.segment_value"
    )
    return [ScoreRow(**row) for row in records(connection, sql, params)]


def read_diagnostics(
    connection: duckdb.DuckDBPyConnection, grain: str, period_start: date
) -> list[Diagnostic]:
    """Rules that fired for the period, at its grain and at the next finer grain inside it."""
    finer = FINER_GRAIN[grain]
    end = period_end(grain, period_start)
    rows = records(
        connection,
        """
        select rule_id, rule_name, grain, period_start, segment_type, segment_value, severity,
            message, playbook, evidence, owners
        from main.kpi_diagnostics
        where (grain = ? and period_start = ?)
            or (grain = ? and period_start >= ? and period_start < ?)
        order by
            case severity when 'critical' then 0 when 'warning' then 1 else 2 end,
            case grain when 'quarter' then 0 when 'month' then 1 else 2 end,
            period_start, rule_id,
            case when segment_type = 'all' then 0 else 1 end, segment_type, segment_value
        """,
        [grain, period_start, finer or "", period_start, end],
    )
    return [Diagnostic(**row) for row in rows]


def read_negative_theme_counts(
    connection: duckdb.DuckDBPyConnection, start: date, end: date, *, examples: int = 3
) -> list[ThemeCount]:
    """Per theme: comments negative about it (polarity, as in theme_negative_share), comments
    mentioning it, and up to `examples` distinct scrubbed negative comments, latest first."""
    rows = records(
        connection,
        """
        with period_mentions as (
            select theme, polarity, comment, answered_at, response_id
            from main.fct_comment_themes
            where answered_at >= ? and answered_at < ?
        ),
        counted as (
            select
                theme,
                count(distinct response_id) filter (where polarity = 'negative')
                    as negative_mentions,
                count(distinct response_id) as mentions
            from period_mentions
            group by theme
        ),
        distinct_examples as (
            select theme, comment, max(answered_at) as last_answered_at
            from period_mentions
            where polarity = 'negative' and comment is not null and trim(comment) <> ''
            group by theme, comment
        ),
        ranked_examples as (
            select
                theme,
                comment,
                row_number() over (
                    partition by theme order by last_answered_at desc, comment
                ) as rank
            from distinct_examples
        )
        select
            counted.theme,
            counted.negative_mentions,
            counted.mentions,
            coalesce(
                list(ranked_examples.comment order by ranked_examples.rank)
                    filter (where ranked_examples.comment is not null),
                []
            ) as examples
        from counted
        left join ranked_examples
            on counted.theme = ranked_examples.theme and ranked_examples.rank <= ?
        group by counted.theme, counted.negative_mentions, counted.mentions
        order by counted.negative_mentions desc, counted.theme
        """,
        [start, end, examples],
    )
    return [
        ThemeCount(
            theme=row["theme"],
            negative_mentions=int(row["negative_mentions"]),
            mentions=int(row["mentions"]),
            examples=tuple(row["examples"]),
        )
        for row in rows
    ]


def read_mrr_movements(
    connection: duckdb.DuckDBPyConnection, months: Sequence[date]
) -> list[MrrMonth]:
    """The MRR bridge per month: start + new + expansion + reactivation - contraction - churn."""
    rows = records(
        connection,
        """
        select
            month_start,
            sum(start_mrr) as start_mrr,
            sum(new_mrr) as new,
            sum(expansion_mrr) as expansion,
            sum(reactivation_mrr) as reactivation,
            sum(contraction_mrr) as contraction,
            sum(churn_mrr) as churn,
            sum(end_mrr) as end_mrr
        from main.fct_mrr_movements
        where month_start in ?
        group by month_start
        order by month_start
        """,
        [list(months)],
    )
    return [
        MrrMonth(**{k: (v if k == "month_start" else float(v or 0)) for k, v in row.items()})
        for row in rows
    ]


def read_restatements(
    connection: duckdb.DuckDBPyConnection, cadence: str, review_id: str
) -> RestatementLog:
    """Restated values logged since the previous review of the cadence (all of them when the
    cadence has no earlier review), each with the sample of the entry it restates."""
    if not table_exists(connection, "kpi_review_log"):
        return RestatementLog(log_exists=False, previous_review_at=None)
    found = connection.execute(
        """
        select max(logged_at) from main.kpi_review_log
        where entry_type = 'published' and cadence = ? and review_id is distinct from ?
        """,
        [cadence, review_id],
    ).fetchone()
    since = found[0] if found else None
    rows = records(
        connection,
        """
        with restated as (
            select * from main.kpi_review_log
            where entry_type = 'restated' and (? is null or logged_at > ?)
        )
        select
            restated.logged_at,
            restated.release_id,
            restated.kpi_id,
            restated.grain,
            restated.period_start,
            restated.segment_type,
            restated.segment_value,
            restated.value,
            restated.sample_size,
            restated.status,
            restated.definition_version,
            restated.previous_value,
            -- the sample of the entry this one restates: the latest logged before it
            earlier.sample_size as previous_sample_size,
            restated.delta
        from restated
        asof left join main.kpi_review_log as earlier
            on
                restated.kpi_id = earlier.kpi_id
                and restated.grain = earlier.grain
                and restated.period_start = earlier.period_start
                and restated.segment_type = earlier.segment_type
                and restated.segment_value = earlier.segment_value
                and restated.logged_at > earlier.logged_at
        order by
            case when restated.segment_type = 'all' then 0 else 1 end,
            restated.logged_at desc, restated.kpi_id, restated.grain, restated.period_start,
            restated.segment_type, restated.segment_value
        """,
        [since, since],
    )
    return RestatementLog(
        log_exists=True,
        previous_review_at=since,
        rows=tuple(Restatement(**row) for row in rows),
    )
