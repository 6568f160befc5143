"""`tul status` (#10.4): what is left to write, per file and line, and the share done; CI fails on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from render.build import default_content_dir, validate_report
from render.cli import main
from render.load import load_report
from render.mentions import earlier_mentions
from render.period import Period, PeriodKind
from render.status import Status, report_status

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = (FIXTURES / "valid" / "minimal" / "report.yaml").read_text(encoding="utf-8")
SHIPPED = ("ks-t1-2020", "sdn-norr-t2-2021", "idrott-vb-2020", "bostader-t1-2021", "miljo-en-2020")


def _report(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "content" / "r"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    return folder


def _edited(*pairs: tuple[str, str]) -> str:
    text = MINIMAL
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _status(tmp_path: Path, text: str) -> Status:
    return report_status(load_report(_report(tmp_path, text)))


def _where(text: str, fragment: str, at: str | None = None) -> tuple[int, int]:
    """(line, column) of `at` (default: `fragment`) on the one line holding `fragment`."""
    lines = list(enumerate(text.splitlines(), 1))
    (number,) = [i for i, line in lines if line.strip() == fragment] or [i for i, line in lines if fragment in line]
    line = text.splitlines()[number - 1]
    return number, line.index(at or fragment) + 1


@pytest.mark.parametrize("slug", SHIPPED)
def test_the_shipped_reports_are_finished(slug: str) -> None:
    status = report_status(load_report(default_content_dir() / slug))
    assert status.total > 0 and status.left == [], status.reasons[:3]
    assert status.share() == f"{status.total} of {status.total} items done (100 %)"


def test_the_shipped_reports_pass_a_strict_check_and_status_says_done() -> None:
    content = str(default_content_dir())
    assert CliRunner().invoke(main, ["check", "--content", content, "--strict"]).exit_code == 0
    result = CliRunner().invoke(main, ["status", "--content", content])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(SHIPPED) and all(line.endswith(" items done (100 %)") for line in lines)
    assert sorted(line.split(":")[0] for line in lines) == sorted(SHIPPED)


def test_the_minimal_report_is_finished(tmp_path: Path) -> None:
    status = _status(tmp_path, MINIMAL)
    assert status.left == [] and status.done == status.total


# (what the author did, the line it shows on, the word where the column points, kind, words of the message)
CASES = [
    ("assessment left empty", ("assessment: uppfylls_delvis", "assessment:"), "assessment:", "assessment", "write",
     "goal 1.1 has no assessment, expected one of uppfylls_helt, uppfylls_delvis, uppfylls_inte or bedoms_inte"),
    ("expected result removed", ("            expected_result: Bra stöd.\n", ""), "- title: Nämnden stödjer", "title", "write",
     "goal 1.1.1 has no expected result"),
    ("outcome removed", ("            outcome: 12\n", ""), "- name: Antal platser", "name", "write",
     "indicator 'Antal platser' (goal 1.1) has no outcome, expected a value, or missing_reason"),
    ("activity not followed up", ("deviation: true", "deviation:"), "deviation:", "deviation", "write",
     "activity 'Nämnden ska kartlägga behoven.' (goal 1.1) is not followed up, expected deviation: false"),
    ("a key left empty", ("council_target: Tas fram av nämnd", "council_target:"), "council_target:", "council_target",
     "write", "indicator 'Antal platser' (goal 1.1): council_target is empty"),
    ("a placeholder", ("text: Prognosen visar ett underskott.", 'text: "[SKRIV: en kommentar]"'), "[SKRIV", '"',
     "write", "economy.sections[0].text still holds the placeholder [SKRIV: en kommentar]"),
    ("a draft mark", ("analysis: Stödet fungerar.", "analysis: '[UTKAST från Tertial 3 2020] Stödet fungerar.'"),
     "[UTKAST", "'", "review", "is a draft carried over from an earlier report: make it true for Tertial 1 2021, "
     "then delete the mark [UTKAST från Tertial 3 2020]"),
    ("last year's end named", ("Arbetet pågår.", "Läget per den 31 december 2020 var svagt."), "31 december", None,
     "check", "names '31 december 2020', an earlier period than Tertial 1 2021"),
    ("an activity of last year", ("start: 2021-01-01\n            end: 2021-12-31",
                                  "start: 2020-01-01\n            end: 2020-12-31"), "end: 2020", "end", "check",
     "ended 2020-12-31, before 2021: remove it or give it this year's dates"),
    ("booked figures all 0", ("booked: 3.0", "booked: 0.0"), "- name: Förvaltningen", "name", "write",
     "every figure of column 'Bokfört 210430' is 0"),
    ("the forecast is the budget", ("forecast: 11.0", "forecast: 10.0"), "- name: Förvaltningen", "name", "check",
     "the forecast equals the budget in every row"),
]


@pytest.mark.parametrize(("what", "edit", "line_of", "column_of", "kind", "message"), CASES, ids=[c[0] for c in CASES])
def test_what_is_left_is_listed_where_it_stands(tmp_path: Path, what: str, edit: tuple[str, str], line_of: str,
                                                column_of: str | None, kind: str, message: str) -> None:
    text = _edited(edit)
    if what == "booked figures all 0":
        text = text.replace("booked: -0.5", "booked: 0.0")
    status = _status(tmp_path, text)
    line, col = _where(text, line_of, column_of)
    [reason] = status.reasons
    assert (reason.line, reason.col, reason.kind) == (line, col, kind), str(reason)
    assert message in reason.message
    assert str(reason).startswith(f"{tmp_path / 'content' / 'r' / 'report.yaml'}:{line}:{col}: to {kind}: ")
    finished = _status(tmp_path, MINIMAL)
    # One item left; everything else stays counted as done (a new item, such as a key left empty, adds one).
    assert status.done == finished.total - (0 if status.total > finished.total else 1)


@pytest.mark.parametrize("edit", [
    ("Arbetet pågår.", "Jämfört med VB 2020 har arbetet gått framåt."),  # a comparison, not a leftover
    ("Arbetet pågår.", "Målet ska nås per den 31 december."),  # this year's end: ahead, not behind
    ("Arbetet pågår.", "Utfallet för T1 2020 var lägre."),  # the same period last year: a comparison
    ("outcome: 12\n", "missing_reason: Redovisas i VB\n"),  # a reason instead of an outcome
    ("outcome: 12\n            target: 20 st\n            council_target: Tas fram av nämnd\n            period: Tertial 1 2021",
     "target: 20 st\n            council_target: Tas fram av nämnd\n            period: 2021"),  # measured once a year
], ids=["comparison", "future", "last-year", "missing-reason", "yearly-indicator"])
def test_what_is_fine_is_not_listed(tmp_path: Path, edit: tuple[str, str]) -> None:
    status = _status(tmp_path, _edited(edit))
    assert status.left == [], [str(r) for r in status.reasons]


def test_the_share_counts_items_done(tmp_path: Path) -> None:
    total = _status(tmp_path, MINIMAL).total
    status = _status(tmp_path, _edited(("assessment: uppfylls_delvis", "assessment:"),
                                       ("assessment: uppfylls_helt", "assessment:")))
    assert (status.total, status.done) == (total, total - 2)
    assert status.share() == f"{total - 2} of {total} items done ({100 * (total - 2) // total} %)"


def test_status_prints_lines_then_the_share_and_exits_0(tmp_path: Path) -> None:
    text = _edited(("assessment: uppfylls_delvis", "assessment:"))
    folder = _report(tmp_path, text)
    result = CliRunner().invoke(main, ["status", "--content", str(folder.parent)])
    assert result.exit_code == 0, result.output
    first, last = result.output.splitlines()
    line, col = _where(text, "assessment:")
    assert first.startswith(f"{folder / 'report.yaml'}:{line}:{col}: to write: goal 1.1 has no assessment")
    total = _status(tmp_path, MINIMAL).total
    assert last == f"r: {total - 1} of {total} items done ({100 * (total - 1) // total} %), 1 left"


def test_status_of_a_report_that_does_not_load_is_an_error(tmp_path: Path) -> None:
    folder = _report(tmp_path, MINIMAL.replace("year: 2021", "year: twenty"))
    result = CliRunner().invoke(main, ["status", "--content", str(folder.parent)])
    assert result.exit_code == 1 and "error:" in result.output.splitlines()[0]


def test_an_unfinished_report_warns_and_fails_strict_unless_it_is_a_draft(tmp_path: Path) -> None:
    text = _edited(("assessment: uppfylls_delvis", "assessment:"))
    folder = _report(tmp_path, text)
    _, problems = validate_report(folder)
    [warning] = problems
    assert warning.severity == "warning" and (warning.line, warning.col) == _where(text, "assessment:")
    assert "the report is not finished, " in warning.message and "'tul status r'" in warning.message
    content = str(folder.parent)
    assert CliRunner().invoke(main, ["check", "--content", content, "--no-strict"]).exit_code == 0
    strict = CliRunner().invoke(main, ["check", "--content", content, "--strict"])
    assert strict.exit_code == 1 and ": error: the report is not finished, " in strict.output
    (folder / "report.yaml").write_text(text + "draft: true\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--content", content, "--strict"]).exit_code == 0
    listed = CliRunner().invoke(main, ["status", "--content", content])
    assert "r (draft: true): " in listed.output and "goal 1.1 has no assessment" in listed.output


def test_ci_fails_until_the_report_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    folder = _report(tmp_path, _edited(("deviation: true", "deviation:")))
    content = str(folder.parent)
    assert CliRunner().invoke(main, ["check", "--content", content]).exit_code == 1
    assert CliRunner().invoke(main, ["build", "--content", content, "--format", "html",
                                     "--out", str(tmp_path / "out")]).exit_code == 1
    (folder / "report.yaml").write_text(MINIMAL, encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--content", content]).exit_code == 0


T2 = Period(2020, 2, PeriodKind.INTERIM)
T1_NEXT = Period(2021, 1, PeriodKind.TERTIAL)


@pytest.mark.parametrize(("period", "text", "found"), [
    (T2, "Kommunstyrelsen godkänner tertialrapport 1 2020 för kommunstyrelsen.", ["tertialrapport 1 2020"]),
    (T2, "ekonomin per den 30 april 2020.", ["30 april 2020"]),
    (T2, "Läget per den 30 april var gott.", ["30 april"]),
    (T2, "Utfallet i T1 2020 och i kolumnen Bokfört 200430.", ["T1 2020", "200430"]),
    (T2, "Utfall jan-apr", ["jan-apr"]),
    (T2, "Beslutat 2020-04-30, uppföljt 2020-08-31.", ["2020-04-30"]),
    (T2, "Jämfört med tertialrapport 1 har prognosen förbättrats.", []),
    (T2, "Sedan den 30 april har tre beslut verkställts.", []),
    (T2, "Tertialrapport 2 2020 per den 31 augusti 2020.", []),
    (T2, "Redovisas i verksamhetsberättelse 2020, per den 31 december.", []),
    (T1_NEXT, "Nämnden godkänner verksamhetsberättelse 2020 per den 31 december 2020.",
     ["verksamhetsberättelse 2020", "31 december 2020"]),
    (T1_NEXT, "Samma period förra året, T1 2020, var utfallet lägre.", []),
    (Period(2020, 3, PeriodKind.ANNUAL), "The committee approves Tertial report 2 2020 as of 31 August 2020.",
     ["Tertial report 2 2020", "31 August 2020"]),
])
def test_a_text_naming_an_earlier_period_is_found(period: Period, text: str, found: list[str]) -> None:
    assert sorted(words for _, words in earlier_mentions(text, period)) == sorted(found)
