"""The loader: YAML 1.2 scalars, includes, positions."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path

import pytest

from render import load
from render.errors import ContentError
from render.load import load_report
from render.values import parse_value

MINIMAL = Path(__file__).parent / "fixtures" / "valid" / "minimal"


def _write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    return folder


def test_minimal_report_loads() -> None:
    loaded = load_report(MINIMAL)
    report = loaded.report
    assert report.as_of == dt.date(2021, 4, 30)
    area = report.goals[0].area_goals[0]
    assert area.number == "1.1" and area.board_goals[0].number == "1.1.1"
    assert area.activities[0].deviation is True
    assert area.indicators[0].target is not None and area.indicators[0].target.unit == "st"


def test_text_stays_text(tmp_path: Path) -> None:
    text = (MINIMAL / "report.yaml").read_text(encoding="utf-8")
    text = text.replace("board: Exempelnämnden", "board: NO").replace("title: Tertialrapport 1 2021", "title: 0123")
    report = load_report(_write(tmp_path, text)).report
    assert report.board == "NO" and report.title == "0123"


def test_default_report_counts(default_report_dir: Path) -> None:
    report = load_report(default_report_dir).report
    areas = [a for d in report.goals for a in d.area_goals]
    boards = [b for a in areas for b in a.board_goals]
    assert (len(report.goals), len(areas), len(boards)) == (3, 12, 22)
    goals = report.assessed_goals()
    assert sum(len(g.indicators) for g in goals) >= 20
    assert sum(len(g.activities) for g in goals) >= 80
    assert sum(1 for g in goals for a in g.activities if a.deviation) == 4


def test_missing_include_is_located(tmp_path: Path, content_copy: Path) -> None:
    (content_copy / "ovrigt.yaml").unlink()
    with pytest.raises(ContentError) as info:
        load_report(content_copy)
    (problem,) = info.value.problems
    assert problem.file.endswith("report.yaml")
    assert problem.message == "file 'ovrigt.yaml' not found next to report.yaml"
    assert problem.line == (content_copy / "report.yaml").read_text(encoding="utf-8").splitlines().index("  - ovrigt.yaml") + 1


def test_error_in_included_file_names_that_file(content_copy: Path) -> None:
    path = content_copy / "2-hallbart-vaxande.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "start: 2020-01-01" in line)
    lines[index] = lines[index].replace("2020-01-01", "2020-13-45")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_report(content_copy)
    (problem,) = info.value.problems
    assert problem.file.endswith("2-hallbart-vaxande.yaml") and problem.line == index + 1


@pytest.mark.parametrize(
    ("raw", "number", "unit", "places"),
    [("8 st", Decimal(8), "st", 0), ("100,5 %", Decimal("100.5"), "%", 1), ("1 080 ton CO2", Decimal(1080), "ton CO2", 0),
     ("+/- 1 %", Decimal(1), "%", 0), ("-7,0", Decimal("-7.0"), "", 1), (0.8, Decimal("0.8"), "", 1), (9000, Decimal(9000), "", 0)],
)
def test_values_parse(raw: object, number: Decimal, unit: str, places: int) -> None:
    value = parse_value(raw)
    assert (value.number, value.unit, value.places) == (number, unit, places)


def test_text_value() -> None:
    assert parse_value("Tas fram av nämnd").text == "Tas fram av nämnd"
    assert parse_value("") is None


@pytest.mark.parametrize(("raw", "printed"), [("+/-1 %", "+/-1\u00a0%"), ("+/- 1 %", "+/-\u00a01\u00a0%"),
                                              ("+5 %", "+5\u00a0%"), ("90%", "90\u00a0%"), ("-7,0", "-7,0")])
def test_values_keep_the_authors_prefix(raw: str, printed: str) -> None:
    """'+/-1 %' stays '+/-1 %'; '90%' is printed '90 %' alike in PDF, HTML and export (which keeps the unit apart)."""
    from render.format import format_value

    value = parse_value(raw)
    assert format_value(value) == printed
    assert value.to_author() == raw.replace("90%", "90 %")


def test_an_unchanged_file_parsed_once_still_gives_its_problems_and_an_edit_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview reloads on every save; unchanged files keep their parse, never their findings."""
    kept: OrderedDict[str, object] = OrderedDict()
    monkeypatch.setattr(load, "_COMPOSED", kept)
    monkeypatch.setattr(load, "_KEEP", threading.Event())
    load_report(MINIMAL)
    assert not kept  # a build keeps nothing: a big report's parse would outlive its use
    load.keep_parsed_files()  # as the preview does
    text = (MINIMAL / "report.yaml").read_text(encoding="utf-8")
    bad = text.replace("board: Exempelnämnden", "board: Exempelnämnden\nboard: Andra nämnden")
    folder = _write(tmp_path, bad)
    found = []
    for _ in range(2):  # the second load takes the kept node tree
        with pytest.raises(ContentError) as info:
            load_report(folder)
        found.append([str(p) for p in info.value.problems])
    assert found[0] == found[1] and any("board" in p for p in found[0]) and bad in kept
    (folder / "report.yaml").write_text(text.replace("board: Exempelnämnden", "board: Tredje nämnden"), encoding="utf-8")
    first, again = load_report(folder), load_report(folder)
    assert first.report.board == again.report.board == "Tredje nämnden"
    assert first.positions.at == again.positions.at
