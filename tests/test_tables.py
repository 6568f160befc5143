"""Financial tables: derived cells, sums and totals, stated figures, and every shape the family needs."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from render.tables import Column, FinancialTable, Line, Wording, compute_table

WORDING = Wording({Line.COSTS: "Kostnader", Line.INCOME: "Intäkter", Line.NET: "Netto"},
                  {Line.COSTS: "Summa kostnader", Line.INCOME: "Summa intäkter", Line.NET: "Summa netto"},
                  "Summa drift", "Totalt")
TERTIAL = [Column("budget", "B"), Column("booked", "Bo"), Column("forecast", "P"),
           Column("deviation", "A", ("budget", "forecast"))]

OPERATING = """
rows:
  - name: Förskola
    costs: {budget: 100.04, booked: 40.0, forecast: 98.0}
    income: {budget: -20.0, booked: -5.0, forecast: -21.0}
  - name: Äldreomsorg
    costs: {budget: 50.0, booked: 20.0, forecast: 55.0}
    income: {budget: -10.0, booked: -2.0, forecast: -10.0}
  - sum: true
  - name: Investeringar
    costs: {budget: 5.0, booked: 1.0, forecast: 4.0}
    income: {budget: 0, booked: 0, forecast: 0}
  - total: true
  - name: Projekt
    summed: false
    costs: {budget: 7.0, booked: 1.0, forecast: 7.0}
    income: {budget: -7.0, booked: -1.0, forecast: -7.0}
"""


def _compute(text: str, columns: list[Column] = TERTIAL, path: tuple[object, ...] = ()):
    return compute_table(FinancialTable.model_validate(yaml.safe_load(text)), columns, WORDING, path)


def _row(table, label: str, line: str):
    heading = None
    for row in table.rows:
        if row.kind in ("heading", "sum_heading"):
            heading = row.label
        elif (heading == label and row.line == line) or (row.label == label and row.kind in ("item", "sum_item", "total")):
            return row
    raise AssertionError((label, line))


def test_net_and_deviation_are_computed_unrounded() -> None:
    table = _compute(OPERATING)
    net = _row(table, "Förskola", "net").cells
    assert net["budget"].shown == Decimal("80.04")  # 100.04 - 20.0: rounded only for display
    assert net["forecast"].shown == Decimal("77.0")
    assert net["deviation"].shown == Decimal("3.04")
    assert _row(table, "Förskola", "costs").cells["deviation"].shown == Decimal("2.04")


def test_sum_adds_the_groups_and_total_adds_the_sum_and_later_groups() -> None:
    table = _compute(OPERATING)
    assert _row(table, "Summa drift", "costs").cells["budget"].shown == Decimal("150.04")
    assert _row(table, "Summa drift", "net").cells["budget"].shown == Decimal("120.04")  # 80.04 + 40.0
    total = _row(table, "Totalt", "net").cells
    assert total["budget"].shown == Decimal("125.04")  # 120.04 + investeringar 5.0
    assert total["forecast"].shown == Decimal("126.0")  # 77.0 + 45.0 + 4.0
    assert total["deviation"].shown == Decimal("-0.96")
    # The project is shown but added nowhere.
    assert [name for name, _ in table.groups] == ["Förskola", "Äldreomsorg", "Investeringar"]
    assert table.bottom_line() == total


def test_stated_figure_within_rounding_is_accepted_and_shown() -> None:
    table = _compute(OPERATING.replace("  - sum: true\n", "  - sum: true\n    stated: {costs: {budget: 150.1}}\n"))
    assert _row(table, "Summa drift", "costs").cells["budget"].shown == Decimal("150.1")
    assert table.mismatches == []


def test_stated_figure_beyond_rounding_is_a_located_mismatch() -> None:
    text = OPERATING.replace("  - sum: true\n", "  - sum: true\n    stated: {costs: {budget: 160.0}}\n")
    table = _compute(text, path=("economy", "sections", 0, "tables", 0))
    assert len(table.mismatches) == 1
    miss = table.mismatches[0]
    assert (miss.column, miss.stated, miss.computed) == ("budget", Decimal("160.0"), Decimal("150.04"))
    assert miss.path == ("economy", "sections", 0, "tables", 0, "rows", 2, "stated", "costs", "budget")


def test_verksamhetsomraden_net_only_with_an_annual_shape_and_plus_sign() -> None:
    """A stadsdelsnämnd's annual table: Budget | Utfall | Avvikelse | Utfall föregående år, net lines only."""
    text = """
lines: [net]
plus_sign: true
rows:
  - name: Förskola
    net: {budget: 412.0, outcome: 405.3, previous_outcome: 398.1}
  - name: Äldreomsorg
    net: {budget: 250.0, outcome: 262.5, previous_outcome: 240.0}
  - sum: Summa verksamhetsområden
"""
    columns = [Column("budget", "Budget"), Column("outcome", "Utfall"),
               Column("deviation", "Avvikelse", ("budget", "outcome")), Column("previous_outcome", "Utfall 2019")]
    table = _compute(text, columns)
    assert [r.kind for r in table.rows] == ["item", "item", "sum_item"]
    assert _row(table, "Förskola", "net").cells["deviation"].shown == Decimal("6.7")
    total = _row(table, "Summa verksamhetsområden", "net").cells
    assert (total["budget"].shown, total["outcome"].shown, total["deviation"].shown) == (
        Decimal("662.0"), Decimal("667.8"), Decimal("-5.8"))
    assert total["previous_outcome"].shown == Decimal("638.1")


def test_result_statement_with_its_own_difference_direction() -> None:
    """A company: Intäkter positive, Kostnader negative; Avvikelse = Prognos − Budget (more profit is better)."""
    text = """
kind: result_statement
rows:
  - name: Intäkter
    net: {budget: 900.0, forecast: 920.0}
  - name: Kostnader
    net: {budget: -850.0, forecast: -860.0}
  - name: Finansiella poster
    net: {budget: -12.0, forecast: -11.5}
  - sum: Resultat efter finansiella poster
"""
    columns = [Column("budget", "Budget"), Column("forecast", "Prognos"),
               Column("deviation", "Avvikelse", ("forecast", "budget"))]
    result = _row(_compute(text, columns), "Resultat efter finansiella poster", "net").cells
    assert (result["budget"].shown, result["forecast"].shown, result["deviation"].shown) == (
        Decimal("38.0"), Decimal("48.5"), Decimal("10.5"))


def test_text_column_holds_a_reason_per_row() -> None:
    text = """
kind: budget_adjustments
text_column: Motivering
rows:
  - name: Ökad budget för skyddsutrustning
    net: {budget: 2.5}
    text: Beslut i kommunstyrelsen 2020-04-15
"""
    table = _compute(text, [Column("budget", "Belopp")])
    assert table.problems == []
    assert table.rows[0].text == "Beslut i kommunstyrelsen 2020-04-15"


@pytest.mark.parametrize(("text", "message"), [
    ("rows:\n  - name: A\n    costs: {budget: 1, booked: 1, forcast: 1}\n    income: {budget: 0, booked: 0, forecast: 0}\n",
     "unknown column 'forcast', did you mean 'forecast'?"),
    ("rows:\n  - name: A\n    costs: {budget: 1, booked: 1}\n    income: {budget: 0, booked: 0, forecast: 0}\n",
     "missing figure for column 'forecast', expected a number (0 if none)"),
    ("rows:\n  - name: A\n    costs: {budget: 1, booked: 1, forecast: 1, deviation: 0}\n    income: {budget: 0, booked: 0, forecast: 0}\n",
     "'deviation' is computed, expected no figure for it"),
    ("rows:\n  - name: A\n    net: {budget: 1, booked: 1, forecast: 1}\n",
     "missing 'costs' figures for group 'A'"),
    ("rows:\n  - sum: true\n", "a sum row needs summed groups above it"),
])
def test_structural_problems_are_reported_with_their_path(text: str, message: str) -> None:
    table = _compute(text, path=("t",))
    assert table.problems, "expected a problem"
    assert message in table.problems[0].message
    assert table.problems[0].path[0] == "t"


def test_a_row_is_exactly_one_kind() -> None:
    with pytest.raises(ValueError, match="exactly one of 'name'"):
        FinancialTable.model_validate({"rows": [{"name": "A", "sum": "B"}]})
    with pytest.raises(ValueError, match="computed from the rows above it"):
        FinancialTable.model_validate({"rows": [{"sum": "B", "net": {"budget": 1}}]})


cents = st.integers(min_value=-500_000, max_value=500_000).map(lambda n: Decimal(n).scaleb(-2))
figures = st.fixed_dictionaries({"budget": cents, "booked": cents, "forecast": cents})
group = st.fixed_dictionaries({"costs": figures, "income": figures, "summed": st.booleans()})


@settings(max_examples=150, deadline=None)
@given(groups=st.lists(group, min_size=1, max_size=8), cut=st.integers(min_value=0, max_value=8))
def test_the_total_is_every_summed_figure_however_the_sums_fall(groups: list[dict], cut: int) -> None:
    """Wherever a sum row stands, the total equals all summed kostnader plus all summed intäkter."""
    groups[0]["summed"] = True
    rows: list[dict] = [{"name": f"G{i}", **g} for i, g in enumerate(groups)]
    if any(g["summed"] for g in groups[: max(cut, 1)]):
        rows.insert(max(cut, 1), {"sum": True})
    rows.append({"total": True})
    table = compute_table(FinancialTable.model_validate({"rows": rows}), TERTIAL, WORDING)
    assert table.problems == [] and table.mismatches == []
    total = table.bottom_line()
    assert total is not None
    for column in ("budget", "booked", "forecast"):
        expected = sum((g[line][column] for g in groups if g["summed"] for line in ("costs", "income")), Decimal(0))
        assert total[column].shown == expected
    assert total["deviation"].shown == sum(
        (g[line]["budget"] - g[line]["forecast"] for g in groups if g["summed"] for line in ("costs", "income")), Decimal(0))
