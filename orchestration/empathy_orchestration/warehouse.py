"""The one writer of the warehouse during a Dagster run.

A run holds the refresh lock of the data folder from its first step to its last (the jobs use the
in-process executor, so the resource is set up once per run), which keeps a CLI refresh and a
Dagster run from writing at the same time; Dagster's run queue keeps two runs from starting
together (see dagster_home/dagster.yaml). The steps are the functions `empathy refresh` runs:
check the raw files, start a private build, let dbt build it, audit, publish, review.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date

import dagster as dg
from pydantic import PrivateAttr

from empathy.quality import QualityReport
from empathy.refresh import Build, check_raw, start_build
from empathy.releases import refresh_lock
from empathy.settings import Settings, load_settings

WRITER_TAG = {"empathy/warehouse": "writer"}


class WarehouseWriter(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Which review the run does (cadence, as-of date) and the build it writes."""

    cadence: str | None = None
    as_of: str | None = None
    # A run queues behind a refresh from the command line for up to this long, then fails.
    lock_wait_seconds: float = 3 * 60 * 60

    _settings: Settings | None = PrivateAttr(default=None)
    _locks: ExitStack | None = PrivateAttr(default=None)
    _build: Build | None = PrivateAttr(default=None)
    _dbt_counts: dict[str, int] = PrivateAttr(default_factory=dict)
    _complete_build: bool = PrivateAttr(default=False)
    _quality: QualityReport | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._settings = load_settings()
        self._locks = ExitStack()
        self._locks.enter_context(
            refresh_lock(self._settings, wait_seconds=self.lock_wait_seconds, poll_seconds=1)
        )

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._locks is not None:
            self._locks.close()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("the warehouse resource is not set up")
        return self._settings

    def start(self, echo: Callable[[str], None]) -> Build:
        """Check the raw files and start this run's private build (once per run)."""
        if self._build is None:
            check_raw(self.settings, echo)
            as_of = date.fromisoformat(self.as_of) if self.as_of else None
            self._build = start_build(self.settings, echo, cadence=self.cadence, as_of=as_of)
        return self._build

    @property
    def build(self) -> Build:
        if self._build is None:
            raise RuntimeError("no build in this run: materialise the dbt models first")
        return self._build

    def record_dbt_build(self, counts: dict[str, int], complete: bool) -> None:
        self._dbt_counts = counts
        self._complete_build = complete

    @property
    def complete_build(self) -> bool:
        """Every dbt model was selected: only such a build may become a release."""
        return self._complete_build

    @property
    def dbt_counts(self) -> dict[str, int]:
        return self._dbt_counts

    def record_quality(self, report: QualityReport) -> None:
        self._quality = report

    @property
    def quality(self) -> QualityReport | None:
        return self._quality


@contextmanager
def build_environment(env: dict[str, str]) -> Iterator[None]:
    """dagster-dbt hands dbt the process environment: point it at this run's build file."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
