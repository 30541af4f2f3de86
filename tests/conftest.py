"""Shared fixtures: small demo data generated once, and one warehouse built from it end to end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from empathy.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[1]
EMPATHY = str(Path(sys.executable).with_name("empathy"))
SEED = 42


@dataclass(frozen=True)
class Workspace:
    """A data folder of its own: raw files, build files, releases and the serving file."""

    data_dir: Path

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def settings(self) -> Settings:
        return Settings(project_dir=PROJECT_DIR, data_dir=self.data_dir, raw_dir=self.raw_dir)

    @property
    def serving_file(self) -> Path:
        return self.settings.serving_file

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "EMPATHY_DATA_DIR": str(self.data_dir),
            "EMPATHY_RAW_DIR": str(self.raw_dir),
            "EMPATHY_PII_KEY": "test-key",
        }

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return self.run_in(PROJECT_DIR, *args, timeout=timeout)

    def run_in(
        self, project_dir: Path, *args: str, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """Run the CLI against another copy of the dbt project."""
        return subprocess.run(
            [EMPATHY, *args],
            env={**self.env(), "EMPATHY_PROJECT_DIR": str(project_dir)},
            cwd=project_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo data set, generated once per test session (read-only for tests)."""
    from empathy.simulator import generate

    out = tmp_path_factory.mktemp("small_raw")
    generate("small", SEED, out)
    return out


def make_workspace(root: Path, raw_source: Path) -> Workspace:
    workspace = Workspace(root / "data")
    shutil.copytree(raw_source, workspace.raw_dir)
    return workspace


@pytest.fixture
def workspace(tmp_path: Path, small_raw: Path) -> Iterator[Workspace]:
    """A private copy of the small raw data, nothing built yet."""
    yield make_workspace(tmp_path, small_raw)


@dataclass(frozen=True)
class Built:
    workspace: Workspace
    output: str

    @property
    def serving_file(self) -> Path:
        return self.workspace.serving_file

    @property
    def reports_dir(self) -> Path:
        return self.workspace.data_dir.parent / "reports"

    @property
    def manifest(self) -> Path:
        (release,) = sorted(self.workspace.settings.releases_dir.iterdir())
        return release / "target" / "manifest.json"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, small_raw: Path) -> Built:
    """One warehouse refreshed end to end with the weekly review (`empathy refresh --cadence
    weekly`) from the small demo data plus the hand-written quarantine fixtures; its review pack
    is under `built.reports_dir`."""
    from quarantine_cases import add_fixture_rows

    workspace = make_workspace(tmp_path_factory.mktemp("built"), small_raw)
    add_fixture_rows(workspace.raw_dir)
    result = workspace.run("refresh", "--cadence", "weekly")
    assert result.returncode == 0, f"refresh failed:\n{result.stdout}\n{result.stderr}"
    return Built(workspace, result.stdout)


@pytest.fixture(scope="session")
def built_medium(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A warehouse refreshed from the medium demo data (about 1M rows): enough units for the
    planted effects to stand out of the noise at week and month grain."""
    from empathy.simulator import generate

    root = tmp_path_factory.mktemp("built_medium")
    workspace = Workspace(root / "data")
    generate("medium", SEED, workspace.raw_dir)
    result = workspace.run("refresh")
    assert result.returncode == 0, f"refresh failed:\n{result.stdout}\n{result.stderr}"
    return Built(workspace, result.stdout)
