"""The HTML table model tul's PDF tags follow: each cell's scope, id and header cells.

WeasyPrint 70 guesses a data cell's headers by position and takes every header cell
that is not `scope="row"` for a column header; this module reads the HTML instead:
a cell's `headers` attribute as written (tul's templates write group, row, column),
or, where the HTML has scope only (a Markdown table), the header cells the HTML
table model gives it by position. It works on the HTML elements WeasyPrint holds
(ElementTree), and imports nothing of WeasyPrint's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# HTML scope -> PDF /Scope (ISO 32000-1 14.8.5.7); a row group's heading spans its row and heads
# the rows below it, which PDF can only say as a row header named in each cell's /Headers.
_SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


@dataclass(frozen=True)
class _Cell:
    """A table cell as the HTML table model sees it."""

    element: Any
    row: int
    column: int
    span: int
    group: int  # its row group (thead, tbody, tfoot; a bare tr is a group of its own)
    header: bool
    scope: str  # col, row, rowgroup or colgroup (a th without one: col in thead, row elsewhere)


@dataclass(frozen=True)
class CellNote:
    """What a cell's structure element says: /Scope, its /ID, the /IDs of its headers."""

    scope: str | None
    id: str | None
    headers: tuple[str, ...] | None  # None: no /Headers at all


def _local(tag: Any) -> str:
    return tag if isinstance(tag, str) else ""


def table_notes(table: Any, prefix: str) -> dict[int, CellNote]:
    """Every cell of `table` (an HTML element) by id(): its scope, ID and headers; a header cell
    without an HTML id gets `prefix` and its place (row-column) as its ID.

    A cell's `headers` attribute is taken as written (group, row, column); a cell without
    one gets the header cells the HTML table model gives it by position: the row group's
    heading, the row's header cells to its left and the column's header cells above."""
    rows: list[tuple[Any, int, bool]] = []  # (tr, its row group, in thead)
    for group, child in enumerate(table):
        tag = _local(child.tag)
        if tag == "tr":
            rows.append((child, group, False))
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend((row, group, tag == "thead") for row in child if _local(row.tag) == "tr")
    cells: list[_Cell] = []
    taken: dict[tuple[int, int], bool] = {}
    for r, (row, group, in_head) in enumerate(rows):
        column = 0
        for cell in row:
            tag = _local(cell.tag)
            if tag not in ("td", "th"):
                continue
            while taken.get((r, column)):
                column += 1
            span, down = _count(cell.get("colspan")), _count(cell.get("rowspan"))
            for dr in range(down):
                for dc in range(span):
                    taken[(r + dr, column + dc)] = True
            scope = cell.get("scope") if cell.get("scope") in _SCOPES else ("col" if in_head else "row")
            cells.append(_Cell(cell, r, column, span, group, tag == "th", scope))
            column += span
    notes: dict[int, CellNote] = {}
    ids = {id(c.element): c.element.get("id") or f"{prefix}{c.row}-{c.column}" for c in cells if c.header}
    for cell in cells:
        written = cell.element.get("headers")
        if written is not None:
            headers: tuple[str, ...] | None = tuple(written.split())
        elif cell.header:
            headers = None
        else:
            covers = range(cell.column, cell.column + cell.span)
            found = [h for h in cells if h.header and h.scope == "rowgroup" and h.group == cell.group and h.row < cell.row]
            found += [h for h in cells if h.header and h.scope == "row" and h.row == cell.row and h.column < cell.column]
            found += [h for h in cells if h.header and h.scope in ("col", "colgroup") and h.row < cell.row
                      and any(h.column <= c < h.column + h.span for c in covers)]
            headers = tuple(ids[id(h.element)] for h in found)
        notes[id(cell.element)] = CellNote(_SCOPES[cell.scope] if cell.header else None,
                                            ids.get(id(cell.element)), headers)
    return notes


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1
