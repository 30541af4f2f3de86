"""The project-structure rules of STYLE.md (the dbt-project-evaluator rules), from the manifest."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import duckdb
import pytest

from conftest import Built

# Governed tables keep the plain names of the public contract (ARCHITECTURE.md).
CONTRACT_NAMES = {
    "kpi_definitions", "kpi_scorecard", "kpi_diagnostics", "experiment_scorecard",
    "attribution_credits", "kpi_review_log", "dq_row_conservation", "dq_quarantine",
}  # fmt: skip
# The independent raw-row count reads every source; conservation would be circular otherwise.
ROW_COUNT_MODEL = "model.empathy.dq_source_row_counts"
MAX_FANOUT = 3
# A model may feed more children, or hold more rows than its parents together, only with the reason
# written in its YAML (config.meta), where a reader of the model finds it.
FANOUT_REASON = "fanout_reason"
ROW_GROWTH_REASON = "row_growth_reason"


@pytest.fixture(scope="module")
def manifest(built: Built) -> dict[str, Any]:
    return json.loads(built.manifest.read_text())


def models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"
    }


def data_tests_by_model(manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node"):
            found[node["attached_node"]].append(node)
    return found


def test_sources_are_read_only_in_staging(manifest: dict[str, Any]) -> None:
    for uid, node in models(manifest).items():
        if node["depends_on"]["nodes"] and any(
            d.startswith("source.") for d in node["depends_on"]["nodes"]
        ):
            assert node["original_file_path"].startswith("models/staging/"), uid


def test_every_source_has_one_base_model_and_is_counted(manifest: dict[str, Any]) -> None:
    children = manifest["child_map"]
    for uid, source in manifest["sources"].items():
        base = f"model.empathy.base_{source['source_name']}__{source['name']}"
        assert sorted(children[uid]) == sorted([base, ROW_COUNT_MODEL]), uid


def test_staging_models_are_one_to_one_with_their_base(manifest: dict[str, Any]) -> None:
    for uid, node in models(manifest).items():
        if node["name"].startswith("stg_"):
            parents = node["depends_on"]["nodes"]
            assert len(parents) == 1 and parents[0].split(".")[-1].startswith("base_"), uid
            system = node["fqn"][-2]
            assert node["name"].startswith(f"stg_{system}__"), uid


def test_mart_names_follow_the_house_style(manifest: dict[str, Any]) -> None:
    for uid, node in models(manifest).items():
        if node["original_file_path"].startswith("models/marts/"):
            assert node["name"].startswith(("fct_", "dim_")) or node["name"] in CONTRACT_NAMES, uid


def test_every_model_is_documented(manifest: dict[str, Any]) -> None:
    undocumented = [uid for uid, node in models(manifest).items() if not node["description"]]
    assert not undocumented


def _has_primary_key_test(tests: list[dict[str, Any]]) -> bool:
    def named(name: str) -> set[str | None]:
        return {
            t["test_metadata"]["kwargs"].get("column_name")
            for t in tests
            if t.get("test_metadata", {}).get("name") == name
        }

    composite = any(t.get("test_metadata", {}).get("name") == "unique_combination" for t in tests)
    return bool(named("unique") & named("not_null")) or composite


def test_every_model_has_a_primary_key_test(manifest: dict[str, Any]) -> None:
    """A union view of keyed models may take its key from them: every parent keyed, and a test that
    no value of the view's distinguishing column (kpi_id) comes from two parents."""
    tests = data_tests_by_model(manifest)
    for uid, node in models(manifest).items():
        if _has_primary_key_test(tests[uid]):
            continue
        from_parents = (node["config"].get("meta") or {}).get("primary_key_from_parents")
        assert from_parents and node["config"]["materialized"] == "view", (
            f"{uid} has no primary-key test"
        )
        parents = [p for p in node["depends_on"]["nodes"] if p.startswith("model.")]
        assert parents and all(_has_primary_key_test(tests[p]) for p in parents), uid
        assert any(
            t.get("test_metadata", {}).get("name") == "disjoint_union_of" for t in tests[uid]
        ), f"{uid} takes its key from its parents without a disjoint_union_of test"


def test_public_models_have_enforced_contracts_and_described_columns(
    manifest: dict[str, Any],
) -> None:
    for uid, node in models(manifest).items():
        if node["access"] == "public":
            assert node["config"]["contract"]["enforced"], uid
            assert node["columns"], uid
            for name, column in node["columns"].items():
                assert column["description"], f"{uid}.{name}"
                assert column["data_type"], f"{uid}.{name}"


def test_sources_declare_freshness_and_document_every_column(manifest: dict[str, Any]) -> None:
    for uid, source in manifest["sources"].items():
        freshness = source["freshness"] or {}
        assert (freshness.get("warn_after") or {}).get("count"), uid
        assert (freshness.get("error_after") or {}).get("count"), uid
        assert source["loaded_at_field"], uid
        assert source["columns"], uid
        for name, column in source["columns"].items():
            assert column["description"] and column["data_type"], f"{uid}.{name}"


def test_no_model_fans_out_beyond_three_children_without_a_reason(
    manifest: dict[str, Any],
) -> None:
    children = manifest["child_map"]
    for uid, node in models(manifest).items():
        model_children = [c for c in children.get(uid, []) if c.startswith("model.")]
        if len(model_children) > MAX_FANOUT:
            reason = (node["config"].get("meta") or {}).get(FANOUT_REASON)
            assert reason, f"{uid} feeds {model_children} without meta.{FANOUT_REASON}"


def test_no_intermediate_model_reads_a_mart(manifest: dict[str, Any]) -> None:
    nodes = manifest["nodes"]
    for uid, node in models(manifest).items():
        if not node["original_file_path"].startswith("models/intermediate/"):
            continue
        marts = [
            parent
            for parent in node["depends_on"]["nodes"]
            if parent in nodes and nodes[parent]["original_file_path"].startswith("models/marts/")
        ]
        assert not marts, f"{uid} reads the marts {marts}"


def test_no_model_outgrows_its_inputs_without_a_reason(
    manifest: dict[str, Any], built: Built
) -> None:
    """A table with more rows than all its parents together (models, seeds, raw tables) must say
    why in meta.row_growth_reason: that is where a fan-out that blows up at scale hides."""
    nodes = manifest["nodes"]
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        raw_rows = dict(
            connection.execute("select source_table, raw_rows from dq_row_conservation").fetchall()
        )

        def rows(uid: str) -> int:
            if uid.startswith("source."):
                source = manifest["sources"][uid]
                return raw_rows[f"{source['source_name']}.{source['name']}"]
            node = nodes[uid]
            relation = f'"{node["schema"]}"."{node["alias"]}"'
            return connection.execute(f"select count(*) from {relation}").fetchone()[0]

        grown = []
        for uid, node in models(manifest).items():
            if node["config"].get("materialized") != "table":
                continue
            parents = node["depends_on"]["nodes"]
            if not parents or (node["config"].get("meta") or {}).get(ROW_GROWTH_REASON):
                continue
            own, inputs = rows(uid), sum(rows(parent) for parent in parents)
            if own > inputs:
                grown.append(f"{uid}: {own:,} rows from {inputs:,}")
    assert not grown, "models with more rows than their inputs and no reason:\n" + "\n".join(grown)
