"""Where the project, the raw data, the build files and the serving file live.

Defaults follow the public contract (ARCHITECTURE.md): raw files under ``data/raw`` (override with
``EMPATHY_RAW_DIR``), the serving file at ``data/serving/warehouse.duckdb``, review packs under
``reports/<cadence>/<period>/`` (override with ``EMPATHY_REPORTS_DIR``) and the alert outbox at
``data/alerts/outbox.jsonl``. ``EMPATHY_DATA_DIR`` moves the whole data folder (tests use it to work
in a temporary directory).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

WAREHOUSE_FILE = "warehouse.duckdb"
# the pseudonymisation key (see empathy.pii); here so that reading it does not import dbt
PII_KEY_VARIABLE = "EMPATHY_PII_KEY"
# the PostgreSQL database `empathy load --engine postgres` copies the raw files into
POSTGRES_DSN_VARIABLE = "EMPATHY_POSTGRES_DSN"


def find_project_dir() -> Path:
    """The dbt project folder: EMPATHY_PROJECT_DIR, else the checkout this package lives in."""
    configured = os.environ.get("EMPATHY_PROJECT_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += [Path(__file__).resolve().parents[2], Path.cwd()]
    for candidate in candidates:
        if (candidate / "dbt_project.yml").is_file():
            return candidate.resolve()
    raise FileNotFoundError(
        "Cannot find dbt_project.yml: run empathy from the project checkout or set "
        "EMPATHY_PROJECT_DIR to it."
    )


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    data_dir: Path
    raw_dir: Path
    reports_dir: Path | None = None

    @property
    def reports_root(self) -> Path:
        """Review packs: <reports_root>/<cadence>/<period>/review.html and kpis.csv; by default
        ``reports/`` beside the data folder (the project's ``reports/``)."""
        return self.reports_dir or self.data_dir.parent / "reports"

    @property
    def alerts_dir(self) -> Path:
        """The alert outbox (outbox.jsonl) and the webhook delivery log (deliveries.jsonl)."""
        return self.data_dir / "alerts"

    @property
    def serving_dir(self) -> Path:
        return self.data_dir / "serving"

    @property
    def serving_file(self) -> Path:
        return self.serving_dir / WAREHOUSE_FILE

    @property
    def build_root(self) -> Path:
        """Private build folders, one per refresh; BI tools never look here."""
        return self.data_dir / "build"

    @property
    def current_build_dir(self) -> Path:
        """A link to the build folder of the refresh in progress: dbt's profile always points
        here, so the profile stays the same from one refresh to the next."""
        return self.build_root / "current"

    @property
    def releases_dir(self) -> Path:
        """Published releases kept for rollback."""
        return self.data_dir / "releases"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / ".refresh.lock"

    @property
    def pii_key_file(self) -> Path:
        return self.data_dir / ".pii_key"


def load_settings() -> Settings:
    project_dir = find_project_dir()
    data_dir = Path(os.environ.get("EMPATHY_DATA_DIR", project_dir / "data")).resolve()
    raw_dir = Path(os.environ.get("EMPATHY_RAW_DIR", data_dir / "raw")).resolve()
    configured_reports = os.environ.get("EMPATHY_REPORTS_DIR")
    reports_dir = Path(configured_reports).resolve() if configured_reports else None
    return Settings(
        project_dir=project_dir, data_dir=data_dir, raw_dir=raw_dir, reports_dir=reports_dir
    )
