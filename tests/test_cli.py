"""`empathy --help` and every command's help explain what they do."""

from __future__ import annotations

import pytest

from empathy.cli import build_parser, main


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ([], "generate"),
        (["generate"], "--scale"),
        (["refresh"], "atomically"),
        (["load"], "EMPATHY_POSTGRES_DSN"),
        (["releases"], "rollback"),
        (["rollback"], "release"),
    ],
)
def test_help(command: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert expected in capsys.readouterr().out


def test_unknown_scale_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["generate", "--scale", "huge"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_load_without_a_dsn_is_a_setting_problem(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("EMPATHY_POSTGRES_DSN", raising=False)
    assert main(["load", "--engine", "postgres"]) == 2
    assert "--dsn" in capsys.readouterr().err
