"""The dbt models as Dagster assets, grouped by folder, with the dbt tests as asset checks.

Asset group = dbt folder = schema, so a model is found the same way in the repository, the
warehouse and the Dagster UI (staging_<system>, intermediate_<area>, marts_<layer>, seeds,
snapshots).
"""

import os
import shutil
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from empathy.dbt_invocation import dbt_executable
from empathy.settings import find_project_dir
from empathy_orchestration.warehouse import WarehouseWriter, build_environment

PROJECT_DIR = find_project_dir()
# dagster-dbt runs `dbt` from PATH (also to parse the project): use the one installed beside this
# Python, so the definitions load the same from an activated venv, `make dagster` or a test.
_DBT_BIN = str(Path(dbt_executable()).parent)
if shutil.which("dbt") is None and _DBT_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_DBT_BIN, os.environ.get("PATH", "")])
dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR, target="build")
dbt_project.prepare_if_dev()


PROJECT_FILES = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "seeds",
    "snapshots",
    "macros",
    "tests/dbt",
)


def manifest_is_stale(manifest: Path, project_dir: Path) -> bool:
    """The manifest is missing or older than a file of the dbt project."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in PROJECT_FILES:
        path = project_dir / name
        files = path.rglob("*") if path.is_dir() else [path]
        if any(file.is_file() and file.stat().st_mtime > built for file in files):
            return True
    return False


def ensure_manifest(project: DbtProject) -> Path:
    """`dbt parse` when the manifest is missing or stale, so the asset graph matches the
    project that dbt will build (a stale graph fails on nodes it does not know)."""
    if manifest_is_stale(project.manifest_path, Path(project.project_dir)):
        project.preparer.prepare(project)
    return project.manifest_path


def group_for(fqn: list[str], resource_type: str) -> str:
    """The asset group of a dbt node: its first two folders (models/marts/kpi -> marts_kpi)."""
    if resource_type in ("seed", "snapshot"):
        return f"{resource_type}s"
    if resource_type == "source":
        return "raw"
    folders = [folder.strip("_") for folder in fqn[1:-1]]
    return "_".join(folders[:2]) or "models"


class FolderGroups(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return group_for(list(dbt_resource_props["fqn"]), dbt_resource_props["resource_type"])


@dbt_assets(
    manifest=ensure_manifest(dbt_project),
    project=dbt_project,
    dagster_dbt_translator=FolderGroups(),
    pool="warehouse_writer",
)
def empathy_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseWriter
) -> Iterator[Any]:
    """Build and test every model into this run's private build file."""
    build = warehouse.start(context.log.info)
    context.log.info(f"building release {build.release_id} in {build.build_file}")
    with build_environment(build.env):
        invocation = dbt.cli(build.dbt_build_args(), context=context)
        yield from invocation.stream()
    run_results = invocation.get_artifact("run_results.json")
    counts = dict(Counter(result["status"] for result in run_results["results"]))
    warehouse.record_dbt_build(counts, complete=not context.is_subset)


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(PROJECT_DIR),
        target="build",
        dbt_executable=dbt_executable(),  # the project's own, beside this Python
    )
