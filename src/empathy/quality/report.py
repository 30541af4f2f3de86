"""The outcome of a quality-gate run: what was checked and, for each failed expectation, where and
by how much. Failures carry counts and aggregates only, never row values."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ExpectationFailure:
    """One failed expectation: the suite, the warehouse table (and column) it is about, the
    expectation type, what was expected and what was observed."""

    suite: str
    table: str
    column: str | None
    expectation: str
    expected: str
    observed: str

    @property
    def location(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table

    def summary_line(self) -> str:
        return (
            f"FAIL {self.location} [{self.suite}: {self.expectation}] "
            f"expected {self.expected}; observed {self.observed}"
        )

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class QualityReport:
    """All suites of one run. ``success`` only when something was evaluated and nothing failed."""

    suites: list[str]
    evaluated: int
    failures: list[ExpectationFailure] = field(default_factory=list)
    seconds: float = 0.0
    docs_index: Path | None = None

    @property
    def success(self) -> bool:
        return self.evaluated > 0 and not self.failures

    def summary_lines(self) -> list[str]:
        """One line per failed expectation, then a one-line total."""
        verdict = "passed" if self.success else "FAILED"
        total = (
            f"Quality gates {verdict}: {len(self.failures)} of {self.evaluated} expectations "
            f"failed in {len(self.suites)} suites ({self.seconds:.1f} s)"
        )
        return [failure.summary_line() for failure in self.failures] + [total]

    def to_dict(self) -> dict[str, object]:
        return {
            "success": self.success,
            "evaluated": self.evaluated,
            "failed": len(self.failures),
            "suites": list(self.suites),
            "seconds": round(self.seconds, 3),
            "docs_index": str(self.docs_index) if self.docs_index else None,
            "failures": [failure.to_dict() for failure in self.failures],
        }
