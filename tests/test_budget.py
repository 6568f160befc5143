"""Budget arithmetic: derived cells, stated figures, mismatches."""

from __future__ import annotations

from decimal import Decimal

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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


figures = st.decimals(min_value=-5000, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
group = st.fixed_dictionaries({
    "name": st.text(min_size=1, max_size=8),
    "costs": st.fixed_dictionaries({"budget": figures, "booked": figures, "forecast": figures}),
    "income": st.fixed_dictionaries({"budget": figures, "booked": figures, "forecast": figures}),
})


@settings(max_examples=200, deadline=None)
@given(groups=st.lists(group, min_size=1, max_size=6), investments=group)
def test_arithmetic_holds_for_any_figures(groups: list[dict], investments: dict) -> None:
    table = BudgetTable.model_validate({"stub": "S", "columns": {"budget": "B", "booked": "Bo", "forecast": "P",
                                        "deviation": "A"}, "groups": groups, "investments": investments})
    budget = compute_budget(table)
    assert budget.mismatches == []
    lines = [r for r in budget.rows if r.cells]
    for row in lines:
        cells = row.cells
        assert cells["deviation"].shown == cells["budget"].shown - cells["forecast"].shown
    for _name, computed in budget.groups:
        for col in ("budget", "booked", "forecast"):
            assert computed["net"][col].shown == computed["costs"][col].shown + computed["income"][col].shown
    sums = {r.line: r.cells for r in budget.rows if r.kind == "total" and r.line != "grand_total"}
    for line in ("costs", "income", "net"):
        for col in ("budget", "booked", "forecast"):
            assert sums[line][col].shown == sum((g[line][col].shown for _, g in budget.groups[: len(groups)]), Decimal(0))
    total = next(r for r in budget.rows if r.line == "grand_total").cells
    for col in ("budget", "booked", "forecast"):
        assert total[col].shown == sums["net"][col].shown + budget.groups[-1][1]["net"][col].shown
