"""What one report gives the reports that build on it (bidrag): as plain, serialisable data.

A consolidated report counts its contributing reports' assessments per KF goal, adds
their budgets and lines up their KF indicators; a report with predecessors shows their
outcomes as earlier columns. Both read a `Contribution`: the few derived facts of a
report they need, each with the place in its content file it came from, so a problem
found across reports is still located. A build writes it as JSON next to the report's
PDF, so a later build (a CI job after a sharded matrix) can read it instead of the
content. No I/O here: render.related reads and writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import TypeAdapter

from render.errors import Problem
from render.tables import ComputedTable, Line, TableKind
from render.values import Value

FORMAT = "tul-contribution/1"
GoalLevel = Literal["direction", "area", "board"]


@dataclass(frozen=True)
class Where:
    """A place in a content file: `file:line:col`."""

    file: str
    line: int
    col: int


@dataclass(frozen=True)
class GoalEntry:
    """A goal of a contributing report: its level, id, number, anchor and assessment."""

    level: GoalLevel
    id: str | None
    number: str
    title: str
    anchor: str
    assessment: str | None  # an Assessment value, e.g. 'uppfylls_helt'
    parent: str | None  # the number of the goal above it
    where: Where  # the goal's id, or its title when it has none
    analysis: str | None = None  # Markdown; KF goals only (nämndmål stay in the report)


@dataclass(frozen=True)
class IndicatorEntry:
    """An indicator of a contributing report, with the goal it belongs to."""

    id: str | None
    name: str
    council: bool
    goal: str  # the number of its goal in the report
    outcome: Value | None
    forecast: Value | None
    target: Value | None
    council_target: Value | None
    missing_reason: str | None
    period: str | None

    @property
    def key(self) -> str:
        """What matches it across reports and periods: the id, else the exact name."""
        return self.id or "name:" + self.name


@dataclass(frozen=True)
class BudgetLine:
    """One summed group of an operating table: netto budget and forecast (or outcome)."""

    name: str
    budget: Decimal
    compared: Decimal


@dataclass(frozen=True)
class BudgetEntry:
    """A report's operating table (driftbudget): its bottom line and its groups, netto."""

    caption: str
    table_id: str | None
    unit: str
    decimals: int
    compared: str  # the column compared with the budget: 'forecast' or 'outcome'
    budget: Decimal
    value: Decimal
    lines: list[BudgetLine]
    where: Where
    label: str = ""  # the bottom line's own words, e.g. 'Summa nämndens verksamhet'


@dataclass
class Contribution:
    """The derived facts of one report that other reports read."""

    slug: str
    board: str
    administration: str
    writer: str
    period_kind: str
    period: str
    year: int
    as_of: dt.date
    title: str
    locale: str
    summary: str | None
    digest: str  # the report's content and tul's code, hashed: a stale copy is never used
    where: Where  # report.yaml
    goals: list[GoalEntry] = field(default_factory=list)
    indicators: list[IndicatorEntry] = field(default_factory=list)
    budget: BudgetEntry | None = None
    table_kinds: list[str] = field(default_factory=list)
    mismatches: list[Problem] = field(default_factory=list)  # its own located warnings: stated figures that do not add up
    predecessors: list[str] = field(default_factory=list)
    consolidates: bool = False  # a consolidated report itself
    format: str = FORMAT

    def goal(self, goal_id: str) -> GoalEntry | None:
        """The goal with id `goal_id`, if the report has it."""
        return next((g for g in self.goals if g.id == goal_id), None)


@dataclass
class Related:
    """The reports a report names, read once: contributions and predecessors, and the problems met."""

    contributions: list[tuple[int, Contribution]] = field(default_factory=list)  # (entry in consolidates.reports, …)
    predecessors: list[Contribution] = field(default_factory=list)  # oldest first
    problems: list[Problem] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  # every report the list names, read or not (failed ones too)
    reused: int = 0  # how many were read from a previous build's data instead of the content
    read: int = 0  # how many were read from the content


def budget_entry(table: ComputedTable, where: Where) -> BudgetEntry | None:
    """An operating table's bottom line and groups, if it compares the budget with a forecast or an outcome."""
    pair = table.chart_columns()
    bottom = table.bottom_line()
    if table.spec.kind != TableKind.OPERATING or table.problems or bottom is None or pair is None:
        return None
    budget, compared = pair
    if compared not in ("forecast", "outcome"):
        return None
    lines = [BudgetLine(name, cells[Line.NET][budget].shown, cells[Line.NET][compared].shown) for name, cells in table.groups]
    label, heading = "", ""
    for row in table.rows:
        heading = row.label if row.kind == "sum_heading" else heading
        if row.cells is bottom:
            label = heading if row.kind == "sum_line" else row.label
    return BudgetEntry(table.caption, table.spec.id, table.unit, table.spec.decimals, compared,
                       bottom[budget].shown, bottom[compared].shown, lines, where, label)


_ADAPTER: TypeAdapter[Contribution] = TypeAdapter(Contribution)


def contribution_json(contribution: Contribution) -> bytes:
    """The contribution as JSON (decimals as exact strings)."""
    return _ADAPTER.dump_json(contribution, indent=1) + b"\n"


def contribution_from_json(data: bytes) -> Contribution | None:
    """A contribution read back, or None if the data is not one of this format."""
    try:
        contribution = _ADAPTER.validate_json(data)
    except ValueError:
        return None
    return contribution if contribution.format == FORMAT else None
