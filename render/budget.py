"""The budget table (driftbudget, mnkr): figures as data, derived cells computed.

Netto = Kostnader + Intäkter (intäkter are negative), Avvikelse = Budget - Prognos,
Summa rows add the groups, Totalt = Summa netto + Investeringar. Unrounded ledger
values are kept; rounding happens only for display. An author may state an official
printed figure; it is then shown and checked against the computed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

COLUMNS = ("budget", "booked", "forecast", "deviation")
LINES = ("costs", "income", "net")
Column = Literal["budget", "booked", "forecast", "deviation"]
Line = Literal["costs", "income", "net"]

# Half a unit of the last printed decimal: how far one rounded figure may be off.
HALF_UNIT = Decimal("0.05")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Figures(_Strict):
    """One line's entered figures: Justerad budget, Bokfört, Prognos helår."""

    budget: Decimal
    booked: Decimal
    forecast: Decimal


class StatedLine(_Strict):
    """Official printed figures of one line; any column may be given."""

    budget: Decimal | None = None
    booked: Decimal | None = None
    forecast: Decimal | None = None
    deviation: Decimal | None = None


class Stated(_Strict):
    """Official printed figures for a group or sum, checked against computed ones."""

    costs: StatedLine | None = None
    income: StatedLine | None = None
    net: StatedLine | None = None


class BudgetGroup(_Strict):
    """A group of the table (SLK, Politisk organisation, a verksamhetsområde...)."""

    name: str = Field(min_length=1)
    costs: Figures
    income: Figures
    stated: Stated | None = None


class BudgetColumns(_Strict):
    """The column headings, which carry the year and the booking date."""

    budget: str = Field(min_length=1)
    booked: str = Field(min_length=1)
    forecast: str = Field(min_length=1)
    deviation: str = Field(min_length=1)


class BudgetTable(_Strict):
    """Budgettabell: operating groups, their sum, investments, total, projects."""

    stub: str = Field(min_length=1, description="Top-left cell, e.g. 'Stadsledningskontoret'.")
    unit: str = "mnkr"
    columns: BudgetColumns
    groups: list[BudgetGroup] = Field(min_length=1, description="Summed into the Summa row.")
    sum_label: str = "Summa drift"
    sum_stated: Stated | None = None
    investments: BudgetGroup | None = None
    total_label: str = "Totalt netto inkl investeringar"
    total_stated: StatedLine | None = None
    projects: list[BudgetGroup] = Field([], description="Shown after the total, not summed.")


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


@dataclass(frozen=True)
class Row:
    """One printed line of the table."""

    kind: Literal["group", "line", "total"]
    label: str
    line: str | None  # 'costs', 'income', 'net' or None for a heading row
    cells: dict[str, Cell]
    source: tuple[object, ...]  # model path of the group, for located warnings


@dataclass(frozen=True)
class Mismatch:
    """A stated figure that the arithmetic does not support."""

    path: tuple[object, ...]
    label: str
    column: str
    stated: Decimal
    computed: Decimal


def _line_cells(
    values: dict[str, tuple[Decimal, int]], stated: StatedLine | None
) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for col in ("budget", "booked", "forecast"):
        value, terms = values[col]
        cells[col] = Cell(value, getattr(stated, col) if stated else None, terms)
    dev = cells["budget"].shown - cells["forecast"].shown
    cells["deviation"] = Cell(dev, stated.deviation if stated else None, 2)
    return cells


def _group_lines(
    costs: dict[str, tuple[Decimal, int]],
    income: dict[str, tuple[Decimal, int]],
    stated: Stated | None,
) -> dict[str, dict[str, Cell]]:
    c = _line_cells(costs, stated.costs if stated else None)
    i = _line_cells(income, stated.income if stated else None)
    net = {
        col: (c[col].shown + i[col].shown, 2)
        for col in ("budget", "booked", "forecast")
    }
    return {"costs": c, "income": i, "net": _line_cells(net, stated.net if stated else None)}


def _entered(fig: Figures) -> dict[str, tuple[Decimal, int]]:
    return {col: (getattr(fig, col), 1) for col in ("budget", "booked", "forecast")}


@dataclass(frozen=True)
class ComputedBudget:
    """The table as printed, with every derived cell, and the stated-figure mismatches."""

    rows: list[Row]
    mismatches: list[Mismatch]
    groups: list[tuple[str, dict[str, dict[str, Cell]]]]  # for charts and export

    @property
    def blocks(self) -> list[list[Row]]:
        """Rows split into blocks that a page break should not cut: a heading and its lines."""
        blocks: list[list[Row]] = []
        for row in self.rows:
            if row.kind == "group" or row.line == "grand_total" or not blocks:
                blocks.append([row])
            else:
                blocks[-1].append(row)
        return blocks


def compute_budget(table: BudgetTable, path: tuple[object, ...] = ()) -> ComputedBudget:
    """Derive every cell of `table`; `path` locates it in the content for warnings."""
    rows: list[Row] = []
    groups: list[tuple[str, dict[str, dict[str, Cell]]]] = []

    def add_group(group: BudgetGroup, src: tuple[object, ...]) -> dict[str, dict[str, Cell]]:
        lines = _group_lines(_entered(group.costs), _entered(group.income), group.stated)
        rows.append(Row("group", group.name, None, {}, src))
        for line in LINES:
            rows.append(Row("line", line, line, lines[line], src))
        return lines

    def column_sums(line: str) -> dict[str, tuple[Decimal, int]]:
        return {
            col: (sum((g[line][col].shown for _, g in groups), Decimal(0)), len(groups))
            for col in ("budget", "booked", "forecast")
        }

    for idx, group in enumerate(table.groups):
        groups.append((group.name, add_group(group, (*path, "groups", idx))))

    sum_lines = _group_lines(column_sums("costs"), column_sums("income"), table.sum_stated)
    # The Summa netto adds the groups' netto rows, as the printed report does.
    sum_lines["net"] = _line_cells(column_sums("net"), table.sum_stated.net if table.sum_stated else None)
    sum_path = (*path, "sum_stated")
    rows.append(Row("group", table.sum_label, None, {}, sum_path))
    for line in LINES:
        rows.append(Row("total", line, line, sum_lines[line], sum_path))

    total_terms: dict[str, tuple[Decimal, int]] = {
        col: (sum_lines["net"][col].shown, 1) for col in ("budget", "booked", "forecast")
    }
    if table.investments is not None:
        inv_lines = add_group(table.investments, (*path, "investments"))
        groups.append((table.investments.name, inv_lines))
        total_terms = {
            col: (total_terms[col][0] + inv_lines["net"][col].shown, 2)
            for col in ("budget", "booked", "forecast")
        }
    total_cells = _line_cells(total_terms, table.total_stated)
    rows.append(Row("total", table.total_label, "grand_total", total_cells, (*path, "total_stated")))

    for idx, project in enumerate(table.projects):
        add_group(project, (*path, "projects", idx))

    mismatches = [
        Mismatch(_stated_path(row, col), _describe(row, rows), col, cell.stated, cell.computed)  # type: ignore[arg-type]
        for row in rows
        for col, cell in row.cells.items()
        if cell.mismatch
    ]
    return ComputedBudget(rows, mismatches, groups)


def _stated_path(row: Row, column: str) -> tuple[object, ...]:
    """Where the stated figure of `row`/`column` stands in the content."""
    if row.line == "grand_total":
        return (*row.source, column)
    if row.kind == "total":
        return (*row.source, row.line, column)
    return (*row.source, "stated", row.line, column)


def _describe(row: Row, rows: list[Row]) -> str:
    """'SLK / net' style label of a row, for messages."""
    if row.kind == "total" and row.line == "grand_total":
        return row.label
    heading = ""
    for candidate in rows:
        if candidate.kind == "group":
            heading = candidate.label
        if candidate is row:
            break
    return f"{heading} / {row.line}"
