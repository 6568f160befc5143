"""Every bad input gets its exact located message and exit 1; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from render.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID)
def test_invalid_fixture_reports_expected_message(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "invalid")
    expected = (FIXTURES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").strip()
    result = CliRunner().invoke(main, ["check", "--content", ".", case, "--strict"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.splitlines()[0] == expected


def test_warning_passes_without_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "invalid")
    monkeypatch.delenv("CI", raising=False)
    result = CliRunner().invoke(main, ["check", "--content", ".", "budget_mismatch"])
    assert result.exit_code == 0, result.output
    assert ": warning: Driftbudget, mnkr: Förvaltningen / net budget" in result.output


def test_ci_turns_strict_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "invalid")
    monkeypatch.setenv("CI", "true")
    result = CliRunner().invoke(main, ["check", "--content", ".", "budget_mismatch"])
    assert result.exit_code == 1
    assert ": error: Driftbudget, mnkr: Förvaltningen / net budget" in result.output


def test_all_problems_of_a_run_at_once(tmp_path: Path) -> None:
    report = (FIXTURES / "valid" / "minimal" / "report.yaml").read_text(encoding="utf-8")
    report = report.replace("year: 2021", "year: x").replace("start: 2021-01-01", "start: 2021-02-30")
    report = report.replace("assessment: uppfylls_helt", "assesment: uppfylls_helt")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "report.yaml").write_text(report, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "3 errors"
    assert any("year: expected a whole number" in line for line in lines)
    assert any("impossible date '2021-02-30'" in line for line in lines)
    assert any("unknown key 'assesment', did you mean 'assessment'?" in line for line in lines)


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(main, ["build", "--pdf-variant", "pdf/x"])
    assert result.exit_code == 2


def test_unknown_report_name_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(FIXTURES / "valid"), "nope"])
    assert result.exit_code == 2  # the README: 2 for usage errors
    assert "no report 'nope'" in result.output
