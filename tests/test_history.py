"""Each indicator's and budget line's history, from a report's predecessors.

A generated city with each nämnd's Verksamhetsberättelse 2020 as the predecessor of its
Tertialrapport 1 2021; expected values come from the generator's records.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from citygen import City, generate_city
from click.testing import CliRunner

from render.build import BuildOptions, build_report, discover_reports, input_fingerprint, validate_report
from render.cli import main
from render.errors import ContentError
from render.export import export_tables
from render.related import related_folders


@pytest.fixture()
def city(tmp_path: Path) -> City:
    return generate_city(tmp_path / "content", seed=11, reports=3, history=True)


def _district(city: City) -> str:
    return next(r.slug for r in city.reports if r.writer == "district_committee")


def _earlier_cells(city: City, slug: str, by_goal: bool = False) -> dict[tuple[str, ...], str]:
    """(indicator id or name, period) -> the printed earlier cell of every indicator table of `slug`
    (keyed (goal number, name, period) with `by_goal`)."""
    derived, problems = validate_report(city.content / slug, strict=True)
    assert problems == []
    out = {}
    for goal in derived.report.assessed_goals():
        table = derived.indicator_table(goal)
        for indicator, cells in table.rows if table else []:
            for column, cell in zip(table.columns, cells, strict=True):  # type: ignore[union-attr]
                if column.key == "earlier":
                    key = (goal.number, indicator.name) if by_goal else (indicator.id or indicator.name,)
                    out[(*key, column.earlier or "")] = cell.text
    return out


def _printed(value: Decimal, unit: str) -> str:
    """'7,2 %', '1 482': as a Swedish table prints a figure (no-break spaces)."""
    whole, _, fraction = format(value, "f").partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = "\u00a0".join([whole, *groups]) + ("," + fraction if fraction else "")
    return f"{text}\u00a0{unit}" if unit else text


def test_an_indicator_shows_its_outcome_in_the_predecessor(city: City) -> None:
    slug = _district(city)
    predecessor = city.predecessors[slug]
    cells = _earlier_cells(city, slug)
    assert {period for _, period in cells} == {"VB 2020"}
    expected = {i.id: i for i in predecessor.indicators}
    assert expected
    for (key, _), text in cells.items():
        if key in expected:
            record = expected[key]
            assert text == (_printed(record.outcome, record.unit) if record.outcome is not None else ""), key
    shown = [key for (key, _), text in cells.items() if key in expected and text]
    assert shown, "some KF indicators have an outcome in the predecessor"


def test_a_renamed_indicator_still_matches_by_id_and_one_without_id_by_name_under_its_goal(city: City) -> None:
    slug = _district(city)
    predecessor = city.predecessors[slug]
    current = {i.id for i in city.report(slug).indicators}
    record = next(i for i in predecessor.indicators if i.outcome is not None and i.id in current)
    folder = city.content / predecessor.slug
    for path in folder.glob("mal-*.yaml"):
        text = path.read_text(encoding="utf-8").replace(f"name: {record.name}\n", "name: Ett tidigare namn\n")
        path.write_text(text, encoding="utf-8")
    # Own indicators without ids: the same name under several goals, told apart by the goal's number.
    for path in [*folder.glob("mal-*.yaml"), *(city.content / slug).glob("mal-*.yaml")]:
        path.write_text(re.sub(r"id: egen-kf-[0-9-]+\n\s+name:", "name:", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    cells = _earlier_cells(city, slug)
    assert record.outcome is not None
    assert cells[(record.id, "VB 2020")] == _printed(record.outcome, record.unit)
    # The predecessor's own indicators, by goal number and name, read from its files here.
    expected = {}
    for d, path in enumerate(sorted(folder.glob("mal-*.yaml")), 1):
        for a, area in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["area_goals"], 1):
            for indicator in area.get("indicators", []):
                if indicator["name"].startswith("Egen indikator"):
                    expected[(f"{d}.{a}", indicator["name"])] = indicator["outcome"].replace(" ", "\u00a0")
    own = {(number, name): text for (number, name, _), text in _earlier_cells(city, slug, by_goal=True).items()
           if name.startswith("Egen indikator")}
    assert own and {key: text for key, text in own.items() if text} == {k: v for k, v in expected.items() if k in own}
    assert len({name for _, name in own}) < len(own)  # names repeat across goals: matched under their own goal


def test_the_budget_shows_the_predecessors_outcome_beside_this_forecast(city: City) -> None:
    slug = _district(city)
    derived, _ = validate_report(city.content / slug, strict=True)
    assert derived.history is not None and derived.history.budget is not None
    table = derived.history.budget
    assert table.columns == ["Utfall VB 2020", "Prognos T1 2021"]
    bottom = table.rows[-1]
    record, predecessor = city.report(slug), city.predecessors[slug]
    assert record.budget is not None and predecessor.budget is not None
    assert bottom.bottom and bottom.label == "Summa nämndens verksamhet"
    assert bottom.values == [predecessor.budget[1], record.budget[1]]


def test_export_writes_the_series(city: City) -> None:
    slug = _district(city)
    derived, _ = validate_report(city.content / slug, strict=True)
    series = json.loads(export_tables(derived)["serier.json"])
    assert [p["period"] for p in series["periods"]] == ["VB 2020", "T1 2021"]
    assert [p["report"] for p in series["periods"]] == [city.predecessors[slug].slug, slug]
    by_id = {i["id"]: i["values"] for i in series["indicators"]}
    for record in city.predecessors[slug].indicators:
        if record.outcome is not None and record.id in by_id:
            assert by_id[record.id]["VB 2020"]["value"] == float(record.outcome), record.id
    for record in city.report(slug).indicators:
        if record.outcome is not None:
            assert by_id[record.id]["T1 2021"]["value"] == float(record.outcome), record.id
    assert series["budget"]["rows"][-1]["values"] == [float(v) for v in (city.predecessors[slug].budget or ())[1:]] + \
        [float((city.report(slug).budget or ())[1])]
    assert export_tables(derived)["serier.csv"].decode("utf-8-sig").startswith("Serie;Id;Rad;Period;Per datum;Rapport;Värde;Enhet")


def test_tul_new_records_its_source_and_the_history_follows_it_back_a_year(city: City) -> None:
    slug = _district(city)
    content = city.content
    t2 = slug.replace("-t1-", "-t2-")
    result = CliRunner().invoke(main, ["new", t2, "--from", slug, "--content", str(content)])
    assert result.exit_code == 0, result.output
    assert re.search(rf"^predecessors:\n- {slug}$", (content / t2 / "report.yaml").read_text(encoding="utf-8"), re.M)
    derived, _ = validate_report(content / t2)
    assert derived.history is not None
    assert [p.label for p in derived.history.periods] == ["VB 2020", "T1 2021"]  # T1's own predecessor too
    # Older than a year before: not followed (VB 2019 is the predecessor of VB 2020).
    vb2020 = content / city.predecessors[slug].slug
    vb2019 = content / vb2020.name.replace("2020", "2019")
    shutil.copytree(vb2020, vb2019)
    report = vb2019 / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("as_of: 2020-12-31", "as_of: 2019-12-31")
                      .replace("year: 2020", "year: 2019"), encoding="utf-8")
    with (vb2020 / "report.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"predecessors:\n- {vb2019.name}\n")
    derived, _ = validate_report(content / t2)
    assert derived.history is not None
    assert [p.label for p in derived.history.periods] == ["VB 2020", "T1 2021"]
    assert vb2019 not in related_folders(content / t2) and vb2020 in related_folders(content / t2)
    derived, _ = validate_report(vb2020)  # a predecessor named directly is always shown
    assert derived.history is not None and [p.label for p in derived.history.periods] == ["VB 2019"]


def test_an_unknown_predecessor_is_located_with_a_suggestion(city: City) -> None:
    slug = _district(city)
    report = city.content / slug / "report.yaml"
    wrong = city.predecessors[slug].slug.replace("2020", "2002")
    report.write_text(report.read_text(encoding="utf-8").replace(f"- {city.predecessors[slug].slug}\n", f"- {wrong}\n"),
                      encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        validate_report(city.content / slug)
    line = next(n for n, text in enumerate(report.read_text(encoding="utf-8").splitlines(), 1) if wrong in text)
    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (line, 3)
    assert problem.message == f"no report folder '{wrong}' next to this one, did you mean '{city.predecessors[slug].slug}'?"


def test_columns_without_earlier_hide_the_history_and_say_so(city: City) -> None:
    slug = _district(city)
    report = city.content / slug / "report.yaml"
    with report.open("a", encoding="utf-8") as handle:
        handle.write("indicator_columns: [outcome, outcome_women, outcome_men, previous, forecast, target, council_target, "
                     "period]\n")
    with pytest.raises(ContentError) as caught:
        validate_report(city.content / slug, strict=True)
    (problem,) = caught.value.problems
    assert problem.line == len(report.read_text(encoding="utf-8").splitlines())
    assert problem.message.startswith("the predecessors' outcomes are not shown: indicator_columns has no 'earlier' column")


def test_a_changed_predecessor_rebuilds_its_successor_and_nothing_else(city: City, tmp_path: Path) -> None:
    slug = _district(city)
    options = BuildOptions(out_dir=tmp_path / "build", formats=("html",))
    folders = discover_reports(city.content)
    before = {f.name: input_fingerprint(f, options) for f in folders}
    for folder in folders:
        build_report(folder, options)
    predecessor = city.content / city.predecessors[slug].slug
    path = predecessor / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    changed = {f.name for f in folders if input_fingerprint(f, options) != before[f.name]}
    assert changed == {predecessor.name, slug}  # the consolidated report reads T1 only: unchanged
    assert {f.name for f in folders if not build_report(f, options).skipped} == changed


def test_the_history_in_html_names_every_cells_headers(city: City) -> None:
    from test_table_headers import _unreachable

    from render.build import default_assets
    from render.html import render_html

    slug = _district(city)
    derived, _ = validate_report(city.content / slug, strict=True)
    page = render_html(derived, default_assets(), fonts=False)
    assert 'id="tabell-historik"' in page and "Utfall VB 2020" in page
    problems, checked = _unreachable(page)
    assert checked > 50 and problems == [], problems[:10]
