"""Historik: each indicator's and budget line's earlier periods, from a report's predecessors.

A report names its predecessors (`predecessors: [sdn-norr-t1-2021]`); their contributions
give each indicator's outcome in earlier periods (matched by id, so a renamed indicator
still matches; an indicator without an id matches by its exact name) and the operating
table's forecast or outcome per group (matched by the group's name). No I/O: the
predecessors arrive read, oldest first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from render.contribution import BudgetEntry, Contribution, IndicatorEntry
from render.labels import fill
from render.model import Indicator
from render.period import PeriodKind
from render.values import Value

_TERTIAL_NUMBER = re.compile(r"\b([123])\b")


def period_label(period_kind: str, period: str, year: int, labels: dict[str, str]) -> str:
    """A period's short name in column headings: 'T1 2021', 'T2 2021', 'VB 2020'."""
    kind = PeriodKind(period_kind)
    if kind == PeriodKind.TERTIAL:
        match = _TERTIAL_NUMBER.search(period)
        if not match:
            return period
        return fill(labels["history_tertial"], {"n": match[1], "period_year": year})
    if kind == PeriodKind.INTERIM:
        return fill(labels["history_tertial"], {"n": 2, "period_year": year})
    return fill(labels[f"history_{kind.value}"], {"period_year": year})


@dataclass(frozen=True)
class HistoryPeriod:
    """An earlier period: its short name and the report it comes from."""

    label: str
    slug: str
    as_of: dt.date


@dataclass(frozen=True)
class BudgetHistoryRow:
    """A group (or the bottom line) of the operating table across periods, netto."""

    label: str
    values: list[Decimal | None]  # per column of the BudgetHistory, None where the period has no such group
    bottom: bool = False


@dataclass
class BudgetHistory:
    """The operating table's forecast (or outcome) per group in each period, this one last."""

    caption: str
    stub: str
    unit: str
    decimals: int
    columns: list[str]
    rows: list[BudgetHistoryRow]


@dataclass
class History:
    """A report's earlier periods, and what each indicator and budget line showed in them."""

    periods: list[HistoryPeriod]
    by_id: list[dict[str, IndicatorEntry]] = field(default_factory=list)  # per period
    by_name: list[dict[str, list[IndicatorEntry]]] = field(default_factory=list)
    budget: BudgetHistory | None = None

    def entries(self, indicator: Indicator, goal: str = "") -> list[tuple[HistoryPeriod, IndicatorEntry]]:
        """The indicator in each earlier period where it appears: by id; without one, by its name (under the
        same goal number where the name is used under several goals)."""
        out = []
        for period, by_id, by_name in zip(self.periods, self.by_id, self.by_name, strict=True):
            if indicator.id:
                entry = by_id.get(indicator.id)
            else:
                named = by_name.get(indicator.name, [])
                same = [e for e in named if e.goal == goal] if len(named) > 1 else named
                entry = same[0] if len(same) == 1 else None  # ambiguous: better none than the wrong one
            if entry is not None:
                out.append((period, entry))
        return out

    def earlier(self, indicator: Indicator, goal: str = "") -> dict[str, Value]:
        """Outcomes of earlier periods by period name (those with an outcome)."""
        return {period.label: entry.outcome for period, entry in self.entries(indicator, goal)
                if entry.outcome is not None}


def derive_history(predecessors: list[Contribution], labels: dict[str, str], skip_label: str | None = None,
                   current: BudgetEntry | None = None, current_label: str = "") -> History:
    """The history of a report from its predecessors (oldest first).

    A period named like the report's own comparison column (`skip_label`, e.g. 'VB 2020')
    is left out of the earlier columns: the comparison column shows it already."""
    history = History([])
    for contribution in predecessors:
        label = period_label(contribution.period_kind, contribution.period, contribution.year, labels)
        if skip_label is not None and label.casefold() == skip_label.casefold():
            continue
        history.periods.append(HistoryPeriod(label, contribution.slug, contribution.as_of))
        history.by_id.append({e.id: e for e in contribution.indicators if e.id})
        names: dict[str, list[IndicatorEntry]] = {}
        for entry in contribution.indicators:
            names.setdefault(entry.name, []).append(entry)
        history.by_name.append(names)
    if current is not None:
        history.budget = _budget_history(predecessors, labels, current, current_label)
    return history


def _budget_history(predecessors: list[Contribution], labels: dict[str, str], current: BudgetEntry,
                    current_label: str) -> BudgetHistory | None:
    earlier = [(c, c.budget) for c in predecessors if c.budget is not None and c.budget.unit == current.unit]
    if not earlier:
        return None
    entries = [*earlier, (None, current)]
    columns = []
    for contribution, entry in entries:
        label = current_label if contribution is None else period_label(
            contribution.period_kind, contribution.period, contribution.year, labels)
        columns.append(fill(labels[f"history_col_{entry.compared}"], {"period": label}))
    names = list(dict.fromkeys([line.name for line in current.lines]
                               + [line.name for _, entry in earlier for line in entry.lines]))
    rows = []
    for name in names:
        values = []
        for _, entry in entries:
            line = next((x for x in entry.lines if x.name == name), None)
            values.append(line.compared if line else None)
        rows.append(BudgetHistoryRow(name, values))
    rows.append(BudgetHistoryRow(current.label or labels["history_bottom_line"], [entry.value for _, entry in entries],
                                 bottom=True))
    return BudgetHistory(fill(labels["history_budget_caption"], {"unit": current.unit}), labels["history_budget_stub"],
                         current.unit, current.decimals, columns, rows)
