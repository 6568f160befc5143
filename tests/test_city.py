"""The city's consolidated follow-up, derived from a generated city of nämnd and bolag reports.

Expected figures come from the generator's own records (what it wrote), counted and
summed here, never from tul's derived values.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from citygen import LOWER_IS_BETTER, City, generate_city
from click.testing import CliRunner
from pypdf import PdfReader

from render.build import BuildOptions, build_report, default_assets, discover_reports, validate_report
from render.cli import main
from render.consolidate import Consolidated
from render.errors import ContentError, Problem
from render.export import export_tables
from render.html import render_html
from render.load import load_report
from render.model import Assessment
from render.related import DATA_FILE, Sources, read_related

SEED = 7


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> City:
    """A city of 12 reports, read only by the tests that use it."""
    return generate_city(tmp_path_factory.mktemp("city") / "content", seed=SEED, reports=12)


@pytest.fixture()
def own_city(tmp_path: Path) -> City:
    """A city of 12 reports that a test may change."""
    return generate_city(tmp_path / "content", seed=SEED, reports=12)


def _consolidated(city: City, strict: bool = True) -> tuple[Consolidated, list[Problem]]:
    derived, problems = validate_report(city.content / city.consolidated, strict=strict)
    assert derived.consolidated is not None
    return derived.consolidated, problems


def _level(value: str | None) -> str:
    return Assessment(value).level if value else "pending"


def _line_col(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `path`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def _goal_file(city: City, slug: str, goal_id: str) -> Path:
    return next(p for p in sorted((city.content / slug).glob("mal-*.yaml"))
                if re.search(rf"^\s*-? ?id: {goal_id}$", p.read_text(encoding="utf-8"), re.M))


def _problem(problems: list[Problem], path: Path, line: int, col: int) -> Problem:
    found = [p for p in problems if Path(p.file).resolve() == path.resolve() and (p.line, p.col) == (line, col)]
    assert found, [str(p) for p in problems]
    return found[0]


# -- counts, budget and indicators are the reports' --------------------------------------

def test_a_city_of_twelve_reports_consolidates_without_problems(city: City) -> None:
    view, problems = _consolidated(city)
    assert problems == []
    assert len(city.reports) == 12 and {r.writer for r in city.reports} == {"district_committee", "committee", "company"}
    assert {d.contribution.slug for d in view.digests} == {r.slug for r in city.reports}
    # Stadsdelsnämnder, then facknämnder, then bolag.
    kinds = [d.contribution.writer for d in view.digests]
    assert kinds == sorted(kinds, key=["district_committee", "committee", "company"].index)


def test_counts_and_lists_per_kf_goal_come_from_the_reports(city: City) -> None:
    view, _ = _consolidated(city)
    assert view.tallies, "the city's KF goals"
    for tally in view.tallies:
        goal = tally.goal.id
        expected = Counter(_level(r.goals[goal]) for r in city.reports if goal in r.goals)
        boards = {level: sorted(r.board for r in city.reports if goal in r.goals and _level(r.goals[goal]) == level)
                  for level in ("fully", "partly", "not_met", "not_assessed", "pending")}
        assert {level: len(refs) for level, refs in tally.references.items()} == {k: expected[k] for k in boards}, goal
        assert {level: sorted(r.board for r in refs) for level, refs in tally.references.items()} == boards, goal
        assert tally.total == sum(expected.values())
    # Varied in both directions: the city has goals met and goals not met.
    levels = {_level(v) for r in city.reports for v in r.goals.values()}
    assert {"fully", "partly", "not_met"} <= levels


def test_the_budget_per_namnd_and_the_citys_sum_are_the_reports_bottom_lines(city: City) -> None:
    view, _ = _consolidated(city)
    city_table, *groups = view.budget_tables
    by_board = {row.label: row.cells for table in groups for row in table.rows if row.kind == "item"}
    with_budget = [r for r in city.reports if r.budget is not None]
    assert sorted(by_board) == sorted(r.board for r in with_budget)
    for record in with_budget:
        assert record.budget is not None
        budget, forecast = record.budget
        cells = by_board[record.board]
        assert (cells["budget"].shown, cells["forecast"].shown, cells["deviation"].shown) == (budget, forecast, budget - forecast)
    total = city_table.bottom_line()
    assert total is not None
    assert total["budget"].shown == sum((r.budget[0] for r in with_budget if r.budget), Decimal(0))
    assert total["forecast"].shown == sum((r.budget[1] for r in with_budget if r.budget), Decimal(0))
    assert sorted(c.board for c in view.without_budget) == sorted(r.board for r in city.reports if r.budget is None)
    assert view.without_budget, "a bolag with a result statement only is listed as having no operating budget"


def test_an_english_consolidation_adds_the_swedish_reports_mnkr(own_city: City) -> None:
    city = own_city
    report = city.content / city.consolidated / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("organisation: Exempelstad\n",
                                                                 "organisation: Exempelstad\nlocale: en\n"), encoding="utf-8")
    view, problems = _consolidated(city)
    assert problems == []
    total = view.budget_tables[0].bottom_line()
    assert total is not None and view.budget_tables[0].unit == "SEK m"
    assert total["budget"].shown == sum((r.budget[0] for r in city.reports if r.budget), Decimal(0))
    assert view.tallies[0].text.startswith(f"{view.tallies[0].total} committees and companies follow up the goal: ")


def _expected_verdict(forecast: Decimal | None, target: Decimal | None, unit: str, lower: bool) -> str:
    if forecast is None or target is None:
        return "unjudged"
    return "meets" if (forecast <= target if lower else forecast >= target) else "misses"


def test_kf_indicators_across_namnder_and_who_meets_the_target(city: City) -> None:
    view, _ = _consolidated(city)
    tallies = {ind.key: ind for tally in view.tallies for ind in tally.indicators}
    records = [(r, i) for r in city.reports for i in r.indicators]
    assert set(tallies) == {i.id for _, i in records}
    for key, tally in tallies.items():
        mine = [(r, i) for r, i in records if i.id == key]
        assert sorted(row.reference.board for row in tally.rows) == sorted(r.board for r, _ in mine)
        expected = Counter(_expected_verdict(i.forecast, i.target, i.unit, key in LOWER_IS_BETTER) for _, i in mine)
        assert tally.counts == {v: expected[v] for v in ("meets", "misses", "unjudged")}, key
        assert tally.lower_is_better == (key in LOWER_IS_BETTER)
    verdicts = Counter(row.verdict for t in tallies.values() for row in t.rows)
    assert verdicts["meets"] and verdicts["misses"] and verdicts["unjudged"]
    # A range target ('+/-1 %') is never judged, and the table says why.
    assert {row.reason for row in tallies["budgetavvikelse"].rows} == {"årsmålet är ett intervall eller en förändring"}


def test_changing_one_assessment_changes_the_count_the_link_and_the_chart(own_city: City) -> None:
    city = own_city
    record, goal = next((r, g) for r in city.reports for g, v in r.goals.items() if v == "uppfylls_helt" and g.count("-") == 2)
    folder = city.content / city.consolidated

    def html() -> str:
        derived, problems = validate_report(folder, strict=True)
        assert problems == []
        return render_html(derived, default_assets(), fonts=False)

    def section(text: str) -> str:
        start = text.index(f'<section class="area-goal" id="{goal}"')
        return text[start:text.index("</section>", start)]

    def listed(text: str) -> dict[str, list[str]]:
        out = {}
        for match in re.finditer(r'(?:</svg>|<img [^>]*>)\s*([^<]+?) \((\d+)\)</p>\s*<ul>(.*?)</ul>', section(text), re.S):
            out[match[1]] = re.findall(r'href="([^"]+)"', match[3])
        return out

    def overview(text: str) -> tuple[list[str], str]:
        table = text[text.index('<table class="city-counts">'):]
        row = re.search(rf'<a href="#{goal}">.*?</tr>', table, re.S)
        assert row is not None
        return re.findall(r'<td class="num"[^>]*>(\d+)</td>', row[0]), re.search(r"<svg.*?</svg>", row[0], re.S)[0]  # type: ignore[index]

    before = html()
    link = f"../{record.slug}/index.html#{goal}"
    assert link in listed(before)["Uppfylls helt"]
    counts_before, bar_before = overview(before)
    path = _goal_file(city, record.slug, goal)
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"- id: {goal}\n  title: .*\n  assessment: uppfylls_helt\n", text)
    assert block is not None
    path.write_text(text.replace(block[0], block[0].replace("uppfylls_helt", "uppfylls_inte")), encoding="utf-8")
    after = html()
    assert link not in listed(after).get("Uppfylls helt", [])
    assert link in listed(after)["Uppfylls inte"]
    counts_after, bar_after = overview(after)
    fully, partly, not_met = (int(n) for n in counts_before[:3])
    assert [int(n) for n in counts_after[:3]] == [fully - 1, partly, not_met + 1]
    assert counts_after[-1] == counts_before[-1]  # as many nämnder as before
    assert bar_after != bar_before
    assert f'data-level="not_met" data-count="{not_met + 1}"' in bar_after


# -- located problems ------------------------------------------------------------------

def test_a_goal_assigned_to_a_report_that_lacks_it_is_located_at_the_consolidated_list(own_city: City) -> None:
    city = own_city
    report = city.content / city.consolidated / "report.yaml"
    district = next(r for r in city.reports if r.writer == "district_committee")
    assert "kf-2-4" not in district.goals
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("    kf-2-4:\n", f"    kf-2-4:\n    - {district.slug}\n", 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _consolidated(city)
    line, col = _line_col(report, f"- {district.slug}")
    problem = _problem(caught.value.problems, report, line, col + 2)
    assert problem.severity == "error"
    assert problem.message.startswith(f"'{district.slug}' ({district.board}) has no goal with id 'kf-2-4' "
                                      "(KF:s mål för verksamhetsområdet 'Bostadsbyggandet ökar")
    assert "add the goal with id: kf-2-4 to its report" in problem.message


def test_an_unknown_goal_id_is_located_in_the_contributing_file(own_city: City) -> None:
    city = own_city
    record = next(r for r in city.reports if "kf-1-2" in r.goals and r.writer == "district_committee")
    path = _goal_file(city, record.slug, "kf-1-2")
    path.write_text(path.read_text(encoding="utf-8").replace("- id: kf-1-2\n", "- id: kf-1-9\n"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _consolidated(city)
    line, col = _line_col(path, "kf-1-9")
    problem = _problem(caught.value.problems, path, line, col)
    assert problem.message == ("unknown KF goal id 'kf-1-9': the consolidated report 'Kommunstyrelsen: Stadens "
                               "tertialrapport 1 2021' has no such KF goal, expected id: kf-1-2 ('Äldre har en "
                               "trygg och meningsfull vardag')")
    # ... and the goal it should have carried is missing where the city assigns it.
    report = city.content / city.consolidated / "report.yaml"
    assert any(Path(p.file).resolve() == report.resolve() and f"'{record.slug}'" in p.message and "'kf-1-2'" in p.message
               for p in caught.value.problems)


def test_a_kf_goal_without_an_id_is_located_with_the_id_to_write(own_city: City) -> None:
    city = own_city
    record = next(r for r in city.reports if "kf-2" in r.goals)
    path = _goal_file(city, record.slug, "kf-2")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nid: kf-2\n", "\n", 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _consolidated(city)
    line, col = _line_col(path, "En hållbar stad med trygga")
    problem = _problem(caught.value.problems, path, line, col)
    assert problem.message == ("KF:s inriktningsmål 'En hållbar stad med trygga och levande stadsmiljöer' has no id: "
                               "the consolidated report 'Kommunstyrelsen: Stadens tertialrapport 1 2021' matches KF "
                               "goals by id, expected id: kf-2 ('En hållbar stad med trygga och levande stadsmiljöer')")


def test_the_consolidated_reports_own_goals_and_lists_are_checked(own_city: City) -> None:
    city = own_city
    report = city.content / city.consolidated / "report.yaml"
    text = report.read_text(encoding="utf-8")
    for old, new in (("  assigned:\n", "  assigned:\n    kf-9-9:\n    - sdn-*-t1-2021\n"),
                     ("  lower_is_better:\n", "  lower_is_better:\n  - inget-sadant\n"),
                     ("  - id: kf-3-3\n    title:", "  - title:"),
                     ("  - id: kf-3-2\n", "  - id: kf-3-2\n    board_goals:\n    - title: Ett nämndmål\n")):
        assert old in text
        text = text.replace(old, new, 1)
    report.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _consolidated(city, strict=False)
    found = {(p.line, p.col, p.severity, p.message.split(",")[0].split(":")[0]) for p in caught.value.problems}
    expected = {
        (*_line_col(report, "kf-9-9:"), "error", "unknown KF goal id 'kf-9-9'"),
        (_line_col(report, "inget-sadant")[0], _line_col(report, "inget-sadant")[1], "warning",
         "no KF indicator of the consolidated reports has id 'inget-sadant'"),
        (_line_col(report, "Stadens verksamheter är digitala")[0], _line_col(report, "Stadens verksamheter är digitala")[1],
         "error", "KF"),
        (*_line_col(report, "board_goals:"), "error", "board_goals"),
        # The stray nämndmål also has nothing written yet (tul status): the one unfinished-report warning.
        (*_line_col(report, "title: Ett nämndmål"), "warning", "the report is not finished"),
    }
    assert found == expected, sorted(found)
    messages = [p.message for p in caught.value.problems]
    assert ("KF:s mål för verksamhetsområdet 'Stadens verksamheter är digitala och effektiva' has no id: a consolidated "
            "report matches the KF goals of its reports by id, expected e.g. id: kf-3-3") in messages


def test_names_outside_the_content_folder_are_refused_and_nothing_there_is_read(own_city: City, tmp_path: Path) -> None:
    city = own_city
    outside = tmp_path / "outside"
    shutil.copytree(city.reports[0].folder, outside / "elsewhere")
    broken = outside / "elsewhere" / "report.yaml"  # had it been read, its error would be reported
    broken.write_text(broken.read_text(encoding="utf-8").replace("as_of: 2021-04-30", "as_of: 2021-13-45"), encoding="utf-8")
    (city.content / "linked").symlink_to(outside / "elsewhere", target_is_directory=True)
    report = city.content / city.consolidated / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("  - ab-*-t1-2021\n", "  - ab-*-t1-2021\n  - ../outside/*\n  - linked\n  - inget-*\n"),
                      encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _consolidated(city)
    messages = {p.line: p.message for p in caught.value.problems if Path(p.file).resolve() == report.resolve()}
    assert messages[_line_col(report, "../outside")[0]].startswith("'../outside/*' is not a report folder of this content folder")
    assert messages[_line_col(report, "- linked")[0]] == "'linked' links outside the content folder, expected a report folder inside it"
    assert messages[_line_col(report, "inget-*")[0]].startswith("no report folder next to this one matches 'inget-*'")
    assert not any(Path(p.file).resolve().is_relative_to(outside.resolve()) for p in caught.value.problems)


def test_a_namnd_whose_figures_do_not_add_up_is_a_warning_in_its_own_file(tmp_path: Path) -> None:
    slug = "sdn-norra-t1-2021"
    city = generate_city(tmp_path / "content", seed=SEED, reports=12, mismatch=slug)
    view, problems = _consolidated(city, strict=False)
    path = city.content / slug / "ekonomi.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    stated = next(i for i, line in enumerate(lines) if "stated:" in line)
    line = next(i for i in range(stated, len(lines)) if "budget:" in lines[i]) + 1
    col = lines[line - 1].index("budget:") + len("budget: ") + 1
    problem = _problem(problems, path, line, col)
    assert problem.severity == "warning" and "Summa nämndens verksamhet" in problem.message
    assert "stated" in problem.message and "but the figures add up to" in problem.message
    with pytest.raises(ContentError):
        _consolidated(city, strict=True)


def test_a_contributing_report_with_errors_is_reported_where_they_are(own_city: City) -> None:
    city = own_city
    record = city.reports[2]
    path = record.folder / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("as_of: 2021-04-30", "as_of: 2021-04-31"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _consolidated(city)
    line, col = _line_col(path, "2021-04-31")
    assert _problem(caught.value.problems, path, line, col).message.startswith("impossible date '2021-04-31'")
    assert any(f"'{record.slug}' has errors (listed above), so it cannot be consolidated" in p.message
               for p in caught.value.problems)


# -- reading once, in parallel, and incrementally -------------------------------------------

def test_each_report_is_read_once_and_parallel_reading_gives_the_same(city: City) -> None:
    loaded = load_report(city.content / city.consolidated)
    parallel = read_related(loaded, Sources(jobs=2))
    serial = read_related(loaded, Sources(jobs=1))
    assert parallel.read == serial.read == len(city.reports) and parallel.reused == 0
    assert parallel.contributions == serial.contributions


def test_a_change_in_one_namnd_rebuilds_that_namnd_and_the_consolidated_report_only(own_city: City, tmp_path: Path) -> None:
    city = own_city
    out = tmp_path / "build"
    options = BuildOptions(out_dir=out, formats=("html",), strict=True)
    folders = discover_reports(city.content)
    assert all(not build_report(f, options).skipped for f in folders)
    assert all(build_report(f, options).skipped for f in folders)
    changed = city.reports[4]
    path = changed.folder / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("summary: |\n", "summary: |\n  Ny mening.\n", 1), encoding="utf-8")
    loaded = load_report(city.content / city.consolidated)
    related = read_related(loaded, Sources((out,)))
    assert (related.reused, related.read) == (len(city.reports) - 1, 1)  # only the changed nämnd is read again
    rebuilt = {f.name for f in folders if not build_report(f, options).skipped}
    assert rebuilt == {changed.slug, city.consolidated}


# -- CI: shards, then the consolidated report from their outputs ------------------------------

def test_the_consolidated_report_is_built_from_the_shards_outputs(own_city: City, tmp_path: Path) -> None:
    city = own_city
    runner = CliRunner()
    content = str(city.content)
    shards = [tmp_path / "shard-1", tmp_path / "shard-2"]
    for index, shard in enumerate(shards, 1):
        result = runner.invoke(main, ["build", "--content", content, "--out", str(shard), "--format", "html",
                                      "--shard", f"{index}/2", "--consolidated", "skip", "--jobs", "1", "--strict"])
        assert result.exit_code == 0, result.output
    built = {p.parent.name for shard in shards for p in shard.glob(f"*/{DATA_FILE}")}
    assert built == {r.slug for r in city.reports}  # every nämnd once, the consolidated report in no shard
    final = tmp_path / "final"
    args = ["build", "--consolidated", "only", "--content", content, "--out", str(final), "--format", "html", "--strict"]
    result = runner.invoke(main, [*args, "--from-build", str(shards[0]), "--from-build", str(shards[1])])
    assert result.exit_code == 0, result.output
    direct = tmp_path / "direct"
    assert runner.invoke(main, ["build", city.consolidated, "--content", content, "--out", str(direct),
                                "--format", "html", "--strict"]).exit_code == 0
    name = f"{city.consolidated}/index.html"
    assert (final / name).read_bytes() == (direct / name).read_bytes()
    assert sorted(p.name for p in final.iterdir()) == [city.consolidated]  # only the consolidated report
    # A nämnd changed after its shard was built: the final job refuses the stale output.
    changed = city.reports[0]
    path = changed.folder / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    result = runner.invoke(main, [*args, "--force", "--from-build", str(shards[0]), "--from-build", str(shards[1])])
    assert result.exit_code == 1
    assert f"was built from other content (or another tul) than '{changed.slug}' has now" in result.output


def test_the_consolidation_exports_its_counts_and_indicators(city: City) -> None:
    derived, _ = validate_report(city.content / city.consolidated, strict=True)
    files = export_tables(derived)
    assert {"malbedomningar.csv", "malbedomningar.json", "kf-indikatorer.csv", "kf-indikatorer.json",
            "stad.csv", "stad-district-committee.csv"} <= set(files)
    rows = files["malbedomningar.csv"].decode("utf-8-sig").splitlines()[1:]
    assert len(rows) == sum(len(r.goals) for r in city.reports)


# -- the benchmark city: at least 100 pages --------------------------------------------------

def test_the_default_city_consolidates_into_a_report_of_at_least_100_pages(tmp_path: Path) -> None:
    city = generate_city(tmp_path / "content")
    assert len(city.reports) >= 12
    out = tmp_path / "build"
    result = build_report(city.content / city.consolidated, BuildOptions(out_dir=out, strict=True))
    assert result.warnings == []
    assert result.pages >= 100
    reader = PdfReader(out / city.consolidated / f"{city.consolidated}.pdf")
    assert len(reader.pages) == result.pages
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    assert f"Sid 1 ({result.pages})" in first and f"Sid {result.pages} ({result.pages})" in last
    text = "\n".join(page.extract_text() for page in reader.pages[:30])
    assert "Staden totalt" in text and "nämnder och bolag följer upp målet" in text
    # What the reader gets, as for every shipped report (tests/test_reader.py).
    from test_reader import _invisible_words, _pages_ending_with_a_heading, _text_sizes

    pdf = out / city.consolidated / f"{city.consolidated}.pdf"
    small = {size: texts[:5] for size, texts in _text_sizes(pdf).items() if size < 7.995}
    assert not small, small
    html = (out / city.consolidated / "index.html").read_text(encoding="utf-8")
    assert _pages_ending_with_a_heading(pdf, html) == []
    (tmp_path / "pages").mkdir()
    assert _invisible_words(pdf, tmp_path / "pages") == []


@pytest.mark.parametrize("media", ["screen", "print"])
def test_the_consolidated_html_reads_well_on_phone_desktop_and_paper(city: City, tmp_path: Path, media: str) -> None:
    from test_axe import WIDTHS, _assert_reads_well, _run_axe
    from test_table_headers import _unreachable

    build_report(city.content / city.consolidated, BuildOptions(out_dir=tmp_path, formats=("html",), strict=True))
    page = tmp_path / city.consolidated / "index.html"
    problems, checked = _unreachable(page.read_text(encoding="utf-8"))
    assert checked > 100 and problems == [], problems[:10]
    result = _run_axe(page, media, WIDTHS if media == "screen" else (1280,))
    _assert_reads_well(result, media)
    if media == "screen":
        assert result["runs"][0]["layout"]["scrollWidth"] <= 320, "the page scrolls sideways on a phone"
