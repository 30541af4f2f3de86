"""Great Expectations quality gates over a built warehouse (the audit step's ranges, distributions
and definition bands; dbt tests keep structure and identities).

``run_quality_gates(warehouse_file)`` reads the governed tables read-only into pandas, validates
them against expectation suites built from the KPI registry, and returns a :class:`QualityReport`.
"""

from __future__ import annotations

import os

# Before great_expectations is first imported by any module of this package.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from empathy.quality.gates import run_quality_gates
from empathy.quality.report import ExpectationFailure, QualityReport

__all__ = ["ExpectationFailure", "QualityReport", "run_quality_gates"]
