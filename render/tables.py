"""Financial tables as data (driftbudget, investeringar, resultatöverföring, resultaträkning…).

A table declares its columns (entered figures, or a declared difference such as
Avvikelse = Budget − Prognos), its lines (Kostnader / Intäkter / Netto, or Netto
only) and its rows: groups of figures, sum rows that add the groups since the
previous sum, and total rows that add every summed net so far. Netto = Kostnader
+ Intäkter (intäkter are negative). Unrounded ledger values are kept; rounding
happens only for display. An author may state an official printed figure; it is
then shown and checked against the computed one within rounding.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from render.period import COMPARED_WITH_BUDGET

# Half a unit of the last printed decimal: how far one rounded figure may be off.
HALF_UNIT = Decimal("0.05")
_IDENT = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Line(StrEnum):
    """A line of a group: kostnader, intäkter or netto."""

    COSTS = "costs"
    INCOME = "income"
    NET = "net"


FULL_LINES = (Line.COSTS, Line.INCOME, Line.NET)


class TableKind(StrEnum):
    """What a table shows; decides its default caption, lines and export name."""

    OPERATING = "operating"  # Driftbudget
    INVESTMENTS = "investments"  # Investeringar per projekt
    RESULT_TRANSFER = "result_transfer"  # Resultatöverföring
    BUDGET_ADJUSTMENTS = "budget_adjustments"  # Budgetjusteringar
    TURNOVER_CHANGES = "turnover_changes"  # Omslutningsförändringar
    RESULT_STATEMENT = "result_statement"  # a company's Resultaträkning
    OTHER = "other"

    @property
    def default_lines(self) -> tuple[Line, ...]:
        """Kostnader/Intäkter/Netto for budgets and investments, Netto only for the rest."""
        return FULL_LINES if self in (TableKind.OPERATING, TableKind.INVESTMENTS) else (Line.NET,)


Figures = dict[str, Decimal]


class TableColumn(_Strict):
    """A column: figures the author enters, or a declared difference of two other columns."""

    key: str = Field(pattern=_IDENT, description="Identifier, e.g. budget, booked, forecast, outcome, deviation.")
    label: str | None = Field(None, min_length=1, description="Heading; defaults by key and period kind.")
    difference: tuple[str, str] | None = Field(
        None, description="Computed as the first column minus the second, e.g. [budget, forecast].")


class TableRow(_Strict):
    """A row of a table: a group of figures (`name`), a `sum` row or a `total` row."""

    name: str | None = Field(None, min_length=1, description="A group: SLK, Förskola, a project…")
    sum: str | bool | None = Field(None, description="A sum of the groups since the previous sum; true for the default label.")
    total: str | bool | None = Field(None, description="The net of everything summed so far; true for the default label.")
    costs: Figures | None = Field(None, description="Kostnader (utgifter) per entered column.")
    income: Figures | None = Field(None, description="Intäkter (inkomster) per entered column, negative.")
    net: Figures | None = Field(None, description="Netto per entered column, in a table of net lines only.")
    stated: dict[Line, Figures] | None = Field(
        None, description="Official printed figures per line and column, shown and checked against the computed ones.")
    summed: bool = Field(True, description="False for a group shown but not added (verksamhetsprojekt).")
    text: str | None = Field(None, description="The row's text column, e.g. a reason.")

    @model_validator(mode="after")
    def _one_kind(self) -> TableRow:
        given = [key for key in ("name", "sum", "total") if getattr(self, key) not in (None, False)]
        if len(given) != 1:
            found = " and ".join(f"'{k}'" for k in given) if given else "none of them"
            raise ValueError(f"a row has exactly one of 'name' (a group), 'sum' or 'total', found {found}")
        if given[0] != "name" and any(getattr(self, line) is not None for line in ("costs", "income", "net")):
            raise ValueError(f"a '{given[0]}' row is computed from the rows above it, expected no figures of its own "
                             "(state an official printed figure under 'stated:')")
        return self

    @property
    def kind(self) -> Literal["group", "sum", "total"]:
        """Which of the three kinds of row this is."""
        if self.name is not None:
            return "group"
        return "sum" if self.sum not in (None, False) else "total"


class FinancialTable(_Strict):
    """A financial table (mnkr): declared columns, lines and rows; derived cells computed."""

    id: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*$", description="Stable id (links, consolidation).")
    kind: TableKind = Field(TableKind.OPERATING, description="What the table shows.")
    caption: str | None = Field(None, min_length=1, description="Defaults by kind, e.g. 'Driftbudget, mnkr'.")
    stub: str | None = Field(None, description="Top-left cell, e.g. 'Stadsledningskontoret'.")
    unit: str | None = Field(None, min_length=1, description="Defaults to the locale's 'mnkr'.")
    decimals: int = Field(1, ge=0, le=3)
    lines: list[Line] | None = Field(None, description="[costs, income, net] or [net]; defaults by kind.")
    line_labels: dict[Line, str] = Field({}, description="Override the words of the lines, e.g. {costs: Utgifter}.")
    columns: list[TableColumn] | None = Field(None, description="Defaults by the report's period kind.")
    text_column: str | None = Field(None, min_length=1, description="Heading of a text column (rows' `text`).")
    plus_sign: bool = Field(False, description="Print '+' before positive computed differences (a surplus).")
    chart: bool = Field(False, description="Show a bar chart of budget against forecast or outcome after the table.")
    rows: list[TableRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _lines_shape(self) -> FinancialTable:
        if self.lines is not None and tuple(self.lines) not in (FULL_LINES, (Line.NET,)):
            raise ValueError("lines: expected [costs, income, net] or [net]")
        return self

    @property
    def resolved_lines(self) -> tuple[Line, ...]:
        """The lines every group of this table has."""
        return tuple(self.lines) if self.lines else self.kind.default_lines


@dataclass(frozen=True)
class Column:
    """A resolved column: its heading and, for a computed one, the difference it is."""

    key: str
    label: str
    difference: tuple[str, str] | None = None


@dataclass(frozen=True)
class Cell:
    """A derived or stated figure; `computed` is the unrounded arithmetic."""

    computed: Decimal
    stated: Decimal | None
    terms: int  # how many rounded figures went into `computed`

    @property
    def shown(self) -> Decimal:
        """The figure printed: the stated official one where given."""
        return self.stated if self.stated is not None else self.computed

    @property
    def tolerance(self) -> Decimal:
        """How far computed may be from stated before it is a real mismatch."""
        return HALF_UNIT * max(self.terms, 1) + Decimal("0.000001")

    @property
    def mismatch(self) -> bool:
        """True when a stated figure disagrees beyond rounding."""
        return self.stated is not None and abs(self.stated - self.computed) > self.tolerance


RowKind = Literal["heading", "line", "item", "sum_heading", "sum_line", "sum_item", "total"]


@dataclass(frozen=True)
class Row:
    """One printed line of a table."""

    kind: RowKind
    label: str
    line: Line | None  # None for a heading row
    cells: dict[str, Cell]
    source: tuple[object, ...]  # model path of the content row, for located messages
    text: str | None = None

    @property
    def css(self) -> str:
        """CSS classes of the printed row."""
        classes = {"heading": "b-group", "sum_heading": "b-group b-sum", "line": "b-line", "item": "b-item",
                   "sum_line": "b-total", "sum_item": "b-total", "total": "b-total b-grand_total"}[self.kind]
        return f"{classes} b-{self.line}" if self.line else classes


@dataclass(frozen=True)
class Mismatch:
    """A stated figure that the arithmetic does not support."""

    path: tuple[object, ...]
    label: str
    column: str
    stated: Decimal
    computed: Decimal


@dataclass(frozen=True)
class TableProblem:
    """A structural problem in a table's content, at a model path."""

    path: tuple[object, ...]
    message: str
    key: bool = False  # point at the key rather than the value


@dataclass(frozen=True)
class Wording:
    """The words a table prints that are not content: line names and default row labels."""

    lines: dict[Line, str]
    sum_lines: dict[Line, str]
    sum_label: str
    total_label: str


@dataclass
class ComputedTable:
    """A table as printed, with every derived cell, the mismatches and the structural problems."""

    spec: FinancialTable
    path: tuple[object, ...]
    caption: str
    unit: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    problems: list[TableProblem] = field(default_factory=list)
    groups: list[tuple[str, dict[Line, dict[str, Cell]]]] = field(default_factory=list)  # summed groups

    @property
    def blocks(self) -> list[list[Row]]:
        """Rows split into blocks that a page break should not cut: a heading and its lines."""
        blocks: list[list[Row]] = []
        for row in self.rows:
            if row.kind in ("heading", "sum_heading") or not blocks or blocks[-1][-1].kind not in ("heading", "sum_heading", "line", "sum_line"):
                blocks.append([row])
            else:
                blocks[-1].append(row)
        return blocks

    @property
    def entered(self) -> list[str]:
        """Keys of the columns an author enters figures for."""
        return [c.key for c in self.columns if c.difference is None]

    def chart_columns(self) -> tuple[str, str] | None:
        """The (budget, compared) column keys a chart of this table shows, or None if it has no such pair."""
        keys = [c.key for c in self.columns]
        compared = next((k for k in COMPARED_WITH_BUDGET if k in keys), None)
        return ("budget", compared) if "budget" in keys and compared else None

    def bottom_line(self) -> dict[str, Cell] | None:
        """The cells of the last total or sum net line: the table's result."""
        for row in reversed(self.rows):
            if row.kind in ("total", "sum_item") or (row.kind == "sum_line" and row.line == Line.NET):
                return row.cells
        return None


def compute_table(spec: FinancialTable, columns: list[Column], wording: Wording,
                  path: tuple[object, ...] = (), caption: str = "", unit: str = "") -> ComputedTable:
    """Derive every cell of `spec` with its resolved `columns`; `path` locates it in the content."""
    table = ComputedTable(spec, path, caption, unit, columns)
    _check_columns(table)
    lines = spec.resolved_lines
    for index, row in enumerate(spec.rows):
        _check_row(table, row, (*path, "rows", index), lines)
    if table.problems:
        return table
    _Arithmetic(table, wording, lines).run()
    table.mismatches = [
        Mismatch((*row.source, "stated", row.line, col), _describe(row, table.rows), col, cell.stated, cell.computed)  # type: ignore[arg-type]
        for row in table.rows
        for col, cell in row.cells.items()
        if cell.mismatch
    ]
    return table


def _check_columns(table: ComputedTable) -> None:
    seen: list[str] = []
    for index, column in enumerate(table.columns):
        where = (*table.path, "columns", index)
        if column.key in seen:
            table.problems.append(TableProblem((*where, "key"), f"column '{column.key}' is declared twice, expected each key once"))
        if column.difference is not None:
            for operand in column.difference:
                if operand not in [c.key for c in table.columns] or operand == column.key:
                    table.problems.append(TableProblem(
                        (*where, "difference"),
                        f"difference: unknown column '{operand}', expected one of: {', '.join(c.key for c in table.columns if c.key != column.key)}"))
        seen.append(column.key)


def _check_row(table: ComputedTable, row: TableRow, where: tuple[object, ...], lines: tuple[Line, ...]) -> None:
    entered = table.entered
    derived = [c.key for c in table.columns if c.difference is not None]
    if row.kind == "group":
        needed = [Line.COSTS, Line.INCOME] if lines == FULL_LINES else [Line.NET]
        for line in Line:
            figures = getattr(row, line.value)
            if line in needed and figures is None:
                table.problems.append(TableProblem(where, f"missing '{line.value}' figures for group '{row.name}', "
                                                          f"expected {line.value}: {{{', '.join(f'{k}: …' for k in entered)}}}"))
            elif line not in needed and figures is not None:
                hint = ("netto is computed as kostnader + intäkter" if line == Line.NET
                        else "this table has net lines only (lines: [net])")
                table.problems.append(TableProblem((*where, line.value), f"'{line.value}' is not entered here: {hint}", key=True))
            elif figures is not None:
                _check_figures(table, figures, (*where, line.value), entered, derived)
    for line, figures in (row.stated or {}).items():
        if line not in lines and not (row.kind == "total" and line == Line.NET):
            table.problems.append(TableProblem((*where, "stated", line.value), f"stated '{line.value}': this table has no such line, expected one of: {', '.join(lines)}", key=True))
        for key in figures:
            if key not in [c.key for c in table.columns]:
                table.problems.append(TableProblem((*where, "stated", line.value, key), _unknown_column(key, [c.key for c in table.columns]), key=True))
    if row.text is not None and table.spec.text_column is None:
        table.problems.append(TableProblem((*where, "text"), "this table has no text column, expected text_column: <heading> on the table", key=True))


def _check_figures(table: ComputedTable, figures: Figures, where: tuple[object, ...], entered: list[str], derived: list[str]) -> None:
    for key in figures:
        if key in derived:
            table.problems.append(TableProblem((*where, key), f"'{key}' is computed, expected no figure for it "
                                                              "(state an official printed figure under 'stated:')", key=True))
        elif key not in entered:
            table.problems.append(TableProblem((*where, key), _unknown_column(key, entered), key=True))
    missing = [key for key in entered if key not in figures]
    if missing:
        table.problems.append(TableProblem(where, f"missing figure for column{'s' if len(missing) > 1 else ''} "
                                                  f"{', '.join(repr(k) for k in missing)}, expected a number (0 if none)"))


def _unknown_column(key: str, allowed: list[str]) -> str:
    hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return f"unknown column '{key}'" + (f", did you mean '{hint[0]}'?" if hint else f", expected one of: {', '.join(allowed)}")


@dataclass
class _Arithmetic:
    """Walks the rows once, adding groups into the current sum and into the running total."""

    table: ComputedTable
    wording: Wording
    lines: tuple[Line, ...]
    segment: list[dict[Line, dict[str, Cell]]] = field(default_factory=list)  # summed groups since the last sum

    def run(self) -> None:
        # Per entered column, the net figures a total row adds: each sum, and summed groups not yet in a sum.
        running: dict[str, list[Decimal]] = {key: [] for key in self.table.entered}
        for index, row in enumerate(self.table.spec.rows):
            source = (*self.table.path, "rows", index)
            stated = row.stated or {}
            if row.kind == "group":
                entered = {line: {k: (getattr(row, line.value) or {}).get(k, Decimal(0)) for k in self.table.entered}
                           for line in self.lines if line != Line.NET or self.lines == (Line.NET,)}
                cells = self._lines({line: {k: (v, 1) for k, v in figures.items()} for line, figures in entered.items()}, stated)
                self._emit(row.name or "", cells, source, "heading", "line", "item", row.text, self.wording.lines)
                if row.summed:
                    self.segment.append(cells)
                    self.table.groups.append((row.name or "", cells))
                    for key in running:
                        running[key].append(cells[Line.NET][key].shown)
            elif row.kind == "sum":
                if not self.segment:
                    self.table.problems.append(TableProblem(source, "a sum row needs summed groups above it since the previous sum"))
                    return
                figures = {line: {k: (sum((g[line][k].shown for g in self.segment), Decimal(0)), len(self.segment))
                                  for k in self.table.entered}
                           for line in self.lines}
                # A sum row adds the groups' printed lines, netto included, as the printed report does.
                cells = {line: self._with_differences(figures[line], stated.get(line)) for line in self.lines}
                label = self.wording.sum_label if row.sum is True else str(row.sum)
                self._emit(label, cells, source, "sum_heading", "sum_line", "sum_item", row.text, self.wording.sum_lines)
                covered = len(self.segment)
                for key in running:
                    del running[key][-covered:]
                    running[key].append(cells[Line.NET][key].shown)
                self.segment = []
            else:
                if not any(running.values()):
                    self.table.problems.append(TableProblem(source, "a total row needs summed groups or sums above it"))
                    return
                figures_net = {k: (sum(values, Decimal(0)), len(values)) for k, values in running.items()}
                cells = {Line.NET: self._with_differences(figures_net, stated.get(Line.NET))}
                label = self.wording.total_label if row.total is True else str(row.total)
                self.table.rows.append(Row("total", label, Line.NET, cells[Line.NET], source, row.text))

    def _lines(self, entered: dict[Line, dict[str, tuple[Decimal, int]]], stated: dict[Line, Figures]) -> dict[Line, dict[str, Cell]]:
        cells = {line: self._with_differences(figures, stated.get(line)) for line, figures in entered.items()}
        if Line.NET not in cells:
            net = {k: (cells[Line.COSTS][k].shown + cells[Line.INCOME][k].shown, 2) for k in self.table.entered}
            cells[Line.NET] = self._with_differences(net, stated.get(Line.NET))
        return cells

    def _with_differences(self, figures: dict[str, tuple[Decimal, int]], stated: Figures | None) -> dict[str, Cell]:
        stated = stated or {}
        cells: dict[str, Cell] = {}
        for column in self.table.columns:
            if column.difference is None:
                value, terms = figures[column.key]
                cells[column.key] = Cell(value, stated.get(column.key), terms)
        for column in self.table.columns:
            if column.difference is not None:
                first, second = column.difference
                cells[column.key] = Cell(cells[first].shown - cells[second].shown, stated.get(column.key), 2)
        return cells

    def _emit(self, label: str, cells: dict[Line, dict[str, Cell]], source: tuple[object, ...],
              heading: RowKind, line_kind: RowKind, item: RowKind, text: str | None, words: dict[Line, str]) -> None:
        rows = self.table.rows
        if self.lines == (Line.NET,):
            rows.append(Row(item, label, Line.NET, cells[Line.NET], source, text))
            return
        rows.append(Row(heading, label, None, {}, source))
        for line in self.lines:
            rows.append(Row(line_kind, words[line], line, cells[line], source, text if line == Line.NET else None))


def _describe(row: Row, rows: list[Row]) -> str:
    """'SLK / net' style label of a row, for messages."""
    if row.kind in ("total", "item", "sum_item"):
        return row.label
    heading = ""
    for candidate in rows:
        if candidate.kind in ("heading", "sum_heading"):
            heading = candidate.label
        if candidate is row:
            break
    return f"{heading} / {row.line}"
