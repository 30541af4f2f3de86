"""The raw contract read from the sources YAML, and the file checks (empathy.raw_contract)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PROJECT_DIR
from empathy.raw_contract import RawContractError, RawTable, check_raw_files, load_contract


@pytest.fixture(scope="module")
def contract() -> list[RawTable]:
    return load_contract(PROJECT_DIR)


def test_contract_lists_every_raw_table_with_format_and_columns(contract: list[RawTable]) -> None:
    names = {table.qualified_name for table in contract}
    assert len(names) == len(contract) == 24
    assert {"crm.customers", "helpdesk.ticket_events", "experiments.assignments"} <= names
    formats = {table.qualified_name: table.file_format for table in contract}
    assert formats["crm.customers"] == "csv"
    assert formats["chat.messages"] == "jsonl"
    assert formats["billing.invoices"] == "parquet"
    assert formats["experiments.variants"] == "csv"
    assert formats["experiments.assignments"] == "parquet"
    for table in contract:
        assert table.columns[-1] == "_loaded_at", table.qualified_name


def test_reader_points_at_the_table_folder(contract: list[RawTable], tmp_path: Path) -> None:
    customers = next(t for t in contract if t.qualified_name == "crm.customers")
    assert customers.file_glob(tmp_path) == f"{tmp_path}/crm/customers/*.csv"
    one_file = tmp_path / "crm" / "customers" / "export.csv"
    assert f"'{one_file}'" in customers.reader_sql_for_file(tmp_path, one_file)


def _table(columns: tuple[str, ...] = ("id", "name")) -> RawTable:
    return RawTable(
        system="demo",
        name="things",
        file_format="csv",
        location_template="read_csv('{raw_dir}/demo/{name}/*.csv', header = true, "
        "all_varchar = true, filename = true)",
        columns=columns,
    )


def _write(raw: Path, name: str, content: bytes) -> Path:
    folder = raw / "demo" / "things"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def test_good_files_pass_and_extra_columns_are_warned_about(tmp_path: Path) -> None:
    _write(tmp_path, "a.csv", b"id,name\n1,x\n2,y\n")
    _write(tmp_path, "b.csv", b"id,name,extra\n3,z,!\n")
    (report,) = check_raw_files(tmp_path, [_table()])
    assert not report.errors and [path.name for path in report.files] == ["a.csv", "b.csv"]
    assert any("extra" in warning for warning in report.warnings)


def test_every_problem_is_reported_with_its_file(tmp_path: Path) -> None:
    renamed = _write(tmp_path, "renamed.csv", b"id,label\n1,x\n")
    empty = _write(tmp_path, "empty.csv", b"")
    latin = _write(tmp_path, "latin.csv", "id,name\n1,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(RawContractError) as error:
        check_raw_files(tmp_path, [_table()])
    problems = error.value.problems
    assert any(str(renamed) in p and "was name renamed to label?" in p for p in problems)
    assert any(str(empty) in p and "empty file" in p for p in problems)
    assert any(str(latin) in p and "not valid UTF-8 at byte 13 (line 2)" in p for p in problems)


def test_missing_table_names_the_expected_location(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    with pytest.raises(RawContractError, match=r"demo\.things: missing table: no file matches"):
        check_raw_files(tmp_path, [_table()])


def _jsonl_table() -> RawTable:
    return RawTable(
        system="demo",
        name="things",
        file_format="jsonl",
        location_template="read_json('{raw_dir}/demo/{name}/*.jsonl', "
        "format = 'newline_delimited', maximum_depth = 1, sample_size = -1, "
        "union_by_name = true, filename = true)",
        columns=("id", "name"),
    )


def test_a_json_column_beyond_the_sample_is_found_in_the_whole_file(tmp_path: Path) -> None:
    # the check reads a sample first; a documented key that shows up only further down is found
    # by reading the whole file, as staging (sample_size = -1) would find it
    lines = [b'{"id": 1}'] * 30_000 + [b'{"id": 2, "name": "late"}']
    _write(tmp_path, "late.jsonl", b"\n".join(lines) + b"\n")
    (report,) = check_raw_files(tmp_path, [_jsonl_table()])
    assert not report.errors


def test_a_json_column_missing_from_the_whole_file_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "nameless.jsonl", b"\n".join([b'{"id": 1}'] * 30_000) + b"\n")
    with pytest.raises(RawContractError, match="missing column"):
        check_raw_files(tmp_path, [_jsonl_table()])
    assert path.exists()
