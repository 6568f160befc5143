"""Every data cell of every table, in the default and every example, reaches its column
header, its row header and its group heading (HTML `headers` with ids on the th cells, or
scope); a full-width Analys row names its row; every th has a scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DEFAULT_SLUG, EXAMPLES

SLUGS = [DEFAULT_SLUG, *EXAMPLES]


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    row: int  # index among the table's rows
    column: int  # first column it covers
    span: int
    group: int  # index of its row group (thead, tbody)
    text: str = ""


@dataclass
class Table:
    cells: list[Cell] = field(default_factory=list)
    width: int = 0
    row: int = -1
    column: int = 0
    group: int = -1


class _Tables(HTMLParser):
    """Every table of a page as a grid of cells, and every id of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.open: list[Table] = []
        self.ids: dict[str, list[str]] = {}
        self.cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.setdefault(values["id"], []).append(tag)
        if tag == "table":
            self.open.append(Table())
        elif not self.open:
            return
        table = self.open[-1]
        if tag in ("thead", "tbody", "tfoot"):
            table.group += 1
        elif tag == "tr":
            table.row += 1
            table.column = 0
        elif tag in ("td", "th"):
            span = int(values.get("colspan", "1"))
            self.cell = Cell(tag, values, table.row, table.column, span, table.group)
            table.cells.append(self.cell)
            table.column += span
            table.width = max(table.width, table.column)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.open:
            self.tables.append(self.open.pop())
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.text += data


def _headers_of(cell: Cell, table: Table, by_id: dict[str, Cell]) -> list[Cell]:
    """The header cells a reader hears with `cell`: its `headers` attribute, or else the HTML
    table model's scope rules (th to the left in its row, above in its column, row group heads)."""
    if "headers" in cell.attrs:
        return [by_id[i] for i in cell.attrs["headers"].split()]
    found = []
    for th in table.cells:
        if th.tag != "th" or th is cell:
            continue
        scope = th.attrs.get("scope")
        covers = th.column <= cell.column < th.column + th.span
        if scope == "col" and covers and th.row < cell.row:
            found.append(th)
        elif scope == "row" and th.row == cell.row and th.column < cell.column:
            found.append(th)
        elif scope == "rowgroup" and th.group == cell.group and th.row < cell.row:
            found.append(th)
    return found


def _unreachable(page: str) -> tuple[list[str], int]:
    """Problems with the headers of every cell of every table of `page`, and the cells checked."""
    parser = _Tables()
    parser.feed(page)
    problems = [f"id '{i}' used {len(tags)} times" for i, tags in parser.ids.items() if len(tags) > 1]
    checked = 0
    for table in parser.tables:
        by_id = {c.attrs["id"]: c for c in table.cells if "id" in c.attrs}
        for cell in table.cells:
            name = f"{cell.tag} '{' '.join(cell.text.split())[:50]}'"
            if cell.tag == "th":
                if cell.attrs.get("scope") not in ("col", "row", "rowgroup", "colgroup"):
                    problems.append(f"{name}: a header without a scope")
                continue
            checked += 1
            missing = [i for i in cell.attrs.get("headers", "").split() if i not in by_id]
            if missing:
                problems.append(f"{name}: headers {missing} are not header cells of its table")
                continue
            heads = _headers_of(cell, table, by_id)
            if any(h.tag != "th" for h in heads):
                problems.append(f"{name}: a header that is not a th")
            columns = [h for h in heads if h.attrs.get("scope") == "col"]
            rows = [h for h in heads if h.attrs.get("scope") == "row"]
            groups = [h for h in heads if h.attrs.get("scope") == "rowgroup"]
            full_width = cell.span == table.width
            if not full_width and not any(h.column <= cell.column < h.column + h.span for h in columns):
                problems.append(f"{name}: no header of its column")
            row_heads = [c for c in table.cells if c.tag == "th" and c.attrs.get("scope") == "row" and c.row == cell.row]
            if not full_width and not row_heads:
                problems.append(f"{name}: its row has no row header")
            if row_heads and not set(map(id, row_heads)) <= set(map(id, rows)):
                problems.append(f"{name}: does not reach its row's header")
            if full_width and not any(h.group == cell.group and h.row < cell.row for h in rows):
                problems.append(f"{name}: a full-width row that names no row above it")
            if full_width and columns:
                problems.append(f"{name}: a full-width row announced with column headers")
            group_heads = [c for c in table.cells if c.attrs.get("scope") == "rowgroup" and c.group == cell.group
                           and c.row < cell.row]
            if group_heads and not set(map(id, group_heads)) <= set(map(id, groups)):
                problems.append(f"{name}: does not reach its group's heading")
    return problems, checked


@pytest.mark.parametrize("slug", SLUGS)
def test_every_table_cell_reaches_its_headers(built_reports: dict[str, Path], slug: str) -> None:
    problems, checked = _unreachable((built_reports[slug] / "index.html").read_text(encoding="utf-8"))
    assert checked > 10
    assert not problems, f"{len(problems)} problems, e.g. {problems[:10]}"


def test_header_check_finds_a_budget_cell_without_its_group() -> None:
    """The check above can fail: a figure under a row-group heading that only names its line."""
    page = """<table><thead><tr><th scope="col" id="c0">mnkr</th><th scope="col" id="c1">Budget</th></tr></thead>
    <tbody><tr><th scope="rowgroup" colspan="2" id="g">SLK</th></tr>
    <tr><th scope="row" id="r">Netto</th><td headers="r c1">610,5</td></tr></tbody></table>"""
    problems, checked = _unreachable(page)
    assert checked == 1 and problems == ["td '610,5': does not reach its group's heading"]
    activity = """<table><thead><tr><th scope="col">Aktivitet</th><th>Slut</th></tr></thead>
    <tbody><tr><td>Staden ska</td><td>2020-12-31</td></tr><tr><td colspan="2">Analys</td></tr></tbody></table>"""
    problems, _ = _unreachable(activity)
    assert "th 'Slut': a header without a scope" in problems
    assert "td 'Staden ska': its row has no row header" in problems
    assert "td 'Analys': a full-width row that names no row above it" in problems


def test_budget_figure_is_read_with_its_group_line_and_column(built_default: Path) -> None:
    parser = _Tables()
    parser.feed((built_default / "index.html").read_text(encoding="utf-8"))
    budget = next(t for t in parser.tables if any(c.text.strip() == "SLK" for c in t.cells))
    by_id = {c.attrs["id"]: c for c in budget.cells if "id" in c.attrs}
    netto = next(c for c in budget.cells if c.text.strip() == "Netto")
    figure = next(c for c in budget.cells if c.row == netto.row and c.text == "610,5")
    heard = [" ".join(h.text.split()) for h in _headers_of(figure, budget, by_id)]
    assert heard == ["SLK", "Netto", "Prognos Helår 2020"]
