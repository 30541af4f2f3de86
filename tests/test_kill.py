"""A refresh killed part-way leaves the serving file unchanged; the next one succeeds unaided."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import EMPATHY, PROJECT_DIR, Workspace


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_killed_refresh_leaves_serving_file_and_next_refresh_succeeds(
    workspace: Workspace,
) -> None:
    first = workspace.run("refresh")
    assert first.returncode == 0, first.stdout + first.stderr
    served = sha256(workspace.serving_file)
    (release_before,) = [p.name for p in workspace.settings.releases_dir.iterdir()]

    process = subprocess.Popen(
        [EMPATHY, "refresh", "--verbose"],
        env=workspace.env(),
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    # wait until dbt has started writing models into the private build file, then kill -9
    deadline = time.monotonic() + 300
    for line in process.stdout:
        if " OK created " in line or "START sql table model" in line:
            break
        assert time.monotonic() < deadline, "dbt never started building"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert sha256(workspace.serving_file) == served
    assert [p.name for p in workspace.settings.releases_dir.iterdir()] == [release_before]
    assert any(workspace.settings.build_root.iterdir()), "the killed build left its private folder"
    # --verbose keeps dbt's debug log, with every statement it ran
    (killed_log,) = {log.resolve() for log in workspace.settings.build_root.glob("*/logs/dbt.log")}
    assert "[debug]" in killed_log.read_text()

    second = workspace.run("refresh")
    assert second.returncode == 0, second.stdout + second.stderr
    assert sha256(workspace.serving_file) != served
    assert len(list(workspace.settings.releases_dir.iterdir())) == 2
    assert not any(workspace.settings.build_root.iterdir()), "stale build folders are removed"
