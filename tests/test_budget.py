"""Budget arithmetic: derived cells, stated figures, mismatches."""

from __future__ import annotations

from decimal import Decimal

import yaml

from render.budget import BudgetTable, compute_budget

TABLE = """
stub: Förvaltningen
columns: {budget: B, booked: Bo, forecast: P, deviation: A}
groups:
  - name: Förskola
    costs: {budget: 100.04, booked: 40.0, forecast: 98.0}
    income: {budget: -20.0, booked: -5.0, forecast: -21.0}
  - name: Äldreomsorg
    costs: {budget: 50.0, booked: 20.0, forecast: 55.0}
    income: {budget: -10.0, booked: -2.0, forecast: -10.0}
investments:
  name: Investeringar
  costs: {budget: 5.0, booked: 1.0, forecast: 4.0}
  income: {budget: 0, booked: 0, forecast: 0}
"""


def _table(extra: str = "") -> BudgetTable:
    return BudgetTable.model_validate(yaml.safe_load(TABLE + extra))


def _row(budget, label: str, line: str):
    heading = None
    for row in budget.rows:
        if row.kind == "group":
            heading = row.label
        elif heading == label and row.line == line:
            return row
    raise AssertionError((label, line))


def test_netto_and_deviation_are_computed() -> None:
    budget = compute_budget(_table())
    net = _row(budget, "Förskola", "net").cells
    assert net["budget"].shown == Decimal("80.04")  # unrounded: rounded only for display
    assert net["forecast"].shown == Decimal("77.0")
    assert net["deviation"].shown == Decimal("3.04")
    assert _row(budget, "Förskola", "costs").cells["deviation"].shown == Decimal("2.04")


def test_sums_and_total_follow_the_groups() -> None:
    budget = compute_budget(_table())
    sums = _row(budget, "Summa drift", "costs").cells
    assert sums["budget"].shown == Decimal("150.04")
    total = next(r for r in budget.rows if r.line == "grand_total").cells
    assert total["budget"].shown == Decimal("120.04") + Decimal("5.0")
    assert total["deviation"].shown == total["budget"].shown - total["forecast"].shown


def test_stated_figure_within_rounding_is_accepted_and_shown() -> None:
    budget = compute_budget(_table("sum_stated: {costs: {budget: 150.1}}\n"))
    assert _row(budget, "Summa drift", "costs").cells["budget"].shown == Decimal("150.1")
    assert budget.mismatches == []


def test_stated_figure_beyond_rounding_is_a_mismatch() -> None:
    budget = compute_budget(_table("sum_stated: {costs: {budget: 160.0}}\n"), ("economy", "budget"))
    assert len(budget.mismatches) == 1
    miss = budget.mismatches[0]
    assert (miss.column, miss.stated, miss.computed) == ("budget", Decimal("160.0"), Decimal("150.04"))
    assert miss.path == ("economy", "budget", "sum_stated", "costs", "budget")
