"""Input that helps (issue #10, item 5): numbers as Swedish authors type them, and
messages for a non-programmer at the right line and column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.build import validate_report
from render.cli import main
from render.load import load_report
from render.tables import Line

MINIMAL = (Path(__file__).parent / "fixtures" / "valid" / "minimal" / "report.yaml").read_text(encoding="utf-8")
FLOW_COSTS = "            costs: {budget: 10.0, booked: 3.0, forecast: 11.0}\n"
WHERE = "economy.sections[0].tables[0].rows[0].costs"


def _folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "content" / "r"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    return folder


def _first_line(tmp_path: Path, text: str | bytes) -> str:
    folder = _folder(tmp_path, "")
    if isinstance(text, bytes):
        (folder / "report.yaml").write_bytes(text)
    else:
        (folder / "report.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(folder.parent)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output.splitlines()[0].replace(f"{folder / 'report.yaml'}:", "")


@pytest.mark.parametrize(("typed", "meant"), [
    ("10,5", "10.5"), ("−140.8", "-140.8"), ("−140,8", "-140.8"), ("–2,0", "-2.0"), ("1 011,0", "1011.0"),
    ("1\u00a0011,25", "1011.25"), ("'10,5'", "10.5"), ('"−3"', "-3"), ("+4,0", "4.0"),
])
def test_swedish_numbers_mean_the_same_in_every_numeric_field(tmp_path: Path, typed: str, meant: str) -> None:
    block_costs = f"            costs:\n              budget: {typed}\n              booked: 3.0\n              forecast: 11.0\n"
    text = (MINIMAL.replace(FLOW_COSTS, block_costs)
            .replace("outcome: 12", f"outcome: {typed}")
            .replace("income: {budget: -2.0, booked: -0.5, forecast: -2.0}",
                     f"income: {{budget: -2.0, booked: -0.5, forecast: -2.0}}\n            stated:\n              net:\n"
                     f"                booked: {typed}"))
    report = load_report(_folder(tmp_path, text)).report
    assert report.economy is not None
    group = report.economy.sections[0].tables[0].rows[0]
    outcome = report.goals[0].area_goals[0].indicators[0].outcome
    assert outcome is not None
    assert group.costs is not None and group.costs["budget"] == Decimal(meant)  # a budget figure (Decimal field)
    assert group.stated is not None and group.stated[Line.NET]["booked"] == Decimal(meant)
    assert outcome.number == Decimal(meant)  # an indicator cell (number or text)


def test_a_decimal_comma_gives_the_same_budget_as_a_point(tmp_path: Path) -> None:
    comma = MINIMAL.replace(FLOW_COSTS, "            costs:\n              budget: 10,5\n              booked: 3,0\n"
                                        "              forecast: 1 011,0\n")
    point = MINIMAL.replace(FLOW_COSTS, "            costs: {budget: 10.5, booked: 3.0, forecast: 1011.0}\n")
    rows = []
    for index, text in enumerate((comma, point)):
        folder = _folder(tmp_path / str(index), text)
        rows.append([[row.cells[c].shown for c in ("budget", "booked", "forecast", "deviation")]
                     for row in validate_report(folder)[0].tables[0].rows if row.cells])
    assert rows[0] == rows[1]
    assert rows[0][0] == [Decimal("10.5"), Decimal("3.0"), Decimal("1011.0"), Decimal("-1000.5")]  # by hand


def test_a_quoted_whole_number_is_a_whole_number(tmp_path: Path) -> None:
    assert load_report(_folder(tmp_path, MINIMAL.replace("year: 2021", "year: '2021'"))).report.year == 2021


@pytest.mark.parametrize(("typed", "message"), [
    ("3.300,5", "expected a number such as 2351.5 or 2 351,5, got '3.300,5'"),
    ("1e5", "expected a number written out, such as 2351.5, got '1e5'"),
    ("Infinity", "expected a number written out, such as 2351.5, got 'Infinity'"),
    ("12345678901234567", "'12345678901234567' has more than 15 digits when written out, expected at most 15 digits "
                          "(e.g. 2351.5)"),
    ("tio", "expected a number, got 'tio'"),
])
def test_numbers_that_cannot_be_meant_are_refused_with_what_to_type(tmp_path: Path, typed: str, message: str) -> None:
    text = MINIMAL.replace(FLOW_COSTS, f"            costs:\n              budget: '{typed}'\n              booked: 3.0\n"
                                       "              forecast: 11.0\n")
    assert _first_line(tmp_path, text) == f"51:23: error: {WHERE}.budget: {message}"


@pytest.mark.parametrize(("flow", "col", "written", "meant"), [
    ("{budget: 714,3, booked: 226.0, forecast: 714.3}", 29, "714,3", "714.3"),
    ("{budget: 714.3, booked: -44,6, forecast: 714.3}", 44, "-44,6", "-44.6"),
    ("{budget: 714.3, booked: 226.0, forecast: 0,25}", 61, "0,25", "0.25"),
])
def test_the_flow_style_comma_trap_is_explained_at_its_column(tmp_path: Path, flow: str, col: int, written: str,
                                                              meant: str) -> None:
    text = MINIMAL.replace(FLOW_COSTS, f"            costs: {flow}\n")
    whole, digits = written.split(",")
    line = _first_line(tmp_path, text)
    key = ("budget", "booked", "forecast")[[29, 44, 61].index(col)]
    assert line == (f"50:{col}: error: {WHERE}.{key}: '{written}' is read as {whole} and a "
                    f"separate key '{digits}': inside {{...}} a comma separates entries, expected {meant} with a point "
                    f"(or '{written}' in quotes)")


def test_the_comma_trap_is_reported_once_per_number_and_nothing_else(tmp_path: Path) -> None:
    text = MINIMAL.replace(FLOW_COSTS, "            costs: {budget: 714,3, booked: 226,0, forecast: 714,3}\n")
    folder = _folder(tmp_path, text)
    result = CliRunner().invoke(main, ["check", "--content", str(folder.parent)])
    lines = result.output.splitlines()
    assert [line.split(": error: ")[0].rsplit(":", 2)[1:] for line in lines[:-1]] == [["50", "29"], ["50", "44"],
                                                                                     ["50", "61"]]
    assert lines[-1] == "3 errors"


def test_a_tab_gets_a_message_for_a_person(tmp_path: Path) -> None:
    indented = MINIMAL.replace("            council_indicator: true", "\t    council_indicator: true")
    assert _first_line(tmp_path, indented) == (
        "23:1: error: YAML syntax: this line is indented with a tab, expected spaces: YAML counts spaces for "
        "indentation, so replace the tab with spaces (in VS Code: 'Convert Indentation to Spaces')")
    after_key = MINIMAL.replace("board: Exempelnämnden", "board:\tExempelnämnden")
    assert _first_line(tmp_path, after_key) == (
        "4:7: error: YAML syntax: a tab stands here, expected a space: YAML allows only spaces between a key and "
        "its value")


def test_common_yaml_mistakes_in_plain_words(tmp_path: Path) -> None:
    colon = MINIMAL.replace("title: Tertialrapport 1 2021", "title: Rapport: tertial 1")
    assert _first_line(tmp_path, colon) == (
        "5:15: error: YAML syntax: a ': ' inside a value starts a new key, expected the value in quotes "
        "(e.g. title: \"Mål: bättre service\") or the line indented like the lines above it")
    unindented = MINIMAL.replace("summary: |\n  Nämnden bedömer", "summary:\nNämnden bedömer")
    assert _first_line(tmp_path, unindented) == (
        "11:1: error: YAML syntax: this line is not 'key: value', expected 'key: value', or text indented further "
        "than the key whose value it continues")
    quote = MINIMAL.replace("board: Exempelnämnden", "board: \"Exempelnämnden")
    assert _first_line(tmp_path, quote) == (
        "4:8: error: YAML syntax: a quote opens here and is never closed, expected the closing quote")


def test_a_windows_1252_file_is_located_by_line_and_column(tmp_path: Path) -> None:
    lines = MINIMAL.splitlines(keepends=True)
    # The first non-ASCII letter on line 12: everything before it is ASCII, so utf-8 and cp1252 agree there.
    ascii_head = "".join(line.encode("ascii", "replace").decode("ascii") for line in lines[:11])
    text = ascii_head + "  Arbetet med s\u00e4kerhet.\n" + "".join(lines[12:])
    assert _first_line(tmp_path, text.encode("cp1252")) == (
        "12:16: error: the file is not saved as UTF-8 (byte 0xE4 here, perhaps 'ä' saved as Windows-1252), "
        "expected UTF-8: save the file as UTF-8 (in VS Code: 'Save with Encoding', then 'UTF-8')")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("assessment: uppfylls_delvis", "assessment: uppfylls_delvist",
     "18:21: error: goals[0].area_goals[0].assessment: unknown value 'uppfylls_delvist', did you mean 'uppfylls_delvis'?"),
    ("assessment: uppfylls_helt", "assessment: Uppfylls helt",
     "37:25: error: goals[0].area_goals[0].board_goals[0].assessment: unknown value 'Uppfylls helt', did you mean "
     "'uppfylls_helt'?"),
    ("year: 2021", "year: 2021\nlocale: svv", "8:9: error: locale: unknown value 'svv', did you mean 'sv'?"),
])
def test_enum_values_get_a_did_you_mean(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert _first_line(tmp_path, MINIMAL.replace(old, new, 1)) == expected


def test_a_second_document_in_a_file_is_explained(tmp_path: Path) -> None:
    assert _first_line(tmp_path, MINIMAL + "---\nyear: 2022\n") == (
        f"{len(MINIMAL.splitlines()) + 1}:1: error: YAML syntax: a second document ('---') starts here, expected one document per file: "
        "remove the '---' line")
