"""Charts that tell the truth: negative values left of a zero line, a visible title with the
unit, full names, a scale, a chart of their own for groups a giant would squash, and colours
with contrast. Checked on the SVG's geometry, with figures chosen by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from render.chart import Group, budget_chart, split_dwarfed
from render.contrast import GRAPHICS, TEXT, contrast_ratio
from render.labels import labels_for
from render.tables import Column, FinancialTable, Wording, compute_table

SVG = "{http://www.w3.org/2000/svg}"

WORDS = Wording({}, {}, "Summa", "Totalt")


def _chart(rows: list[dict]) -> ET.Element:
    spec = FinancialTable.model_validate({"kind": "operating", "lines": ["net"], "chart": True, "rows": rows})
    columns = [Column("budget", "Budget"), Column("forecast", "Prognos")]
    table = compute_table(spec, columns, WORDS, caption="Driftbudget, mnkr", unit="mnkr")
    assert not table.problems
    markup = budget_chart(table, labels_for("sv"), "sv")
    return ET.fromstring(str(markup))


def _bars(svg: ET.Element) -> tuple[list[tuple[float, float]], float]:
    bars = [(float(r.get("x", 0)), float(r.get("width", 0))) for r in svg.iter(SVG + "rect") if r.get("class") == "bar"]
    zeros = {float(line.get("x1", 0)) for line in svg.iter(SVG + "line") if line.get("class") == "zero"}
    assert len(zeros) == 1, zeros
    return bars, zeros.pop()


def test_chart_draws_negative_values_left_of_the_zero_line() -> None:
    figure = _chart([
        {"name": "SLK", "net": {"budget": 573.5, "forecast": 610.5}},
        {"name": "Centrala och gemensamma IT-lösningar", "net": {"budget": -100, "forecast": -200}},
        {"sum": True},
    ])
    assert figure.findtext("figcaption") == "Budget och prognos per verksamhet, netto mnkr"  # a visible title with unit
    (svg,) = figure.iter(SVG + "svg")
    assert svg.findtext(SVG + "title") and svg.findtext(SVG + "desc")
    (slk_budget, slk_forecast, it_budget, it_forecast), zero = _bars(svg)
    for x, width in (it_budget, it_forecast):
        assert x + width <= zero + 0.01 and x < zero - 1, "a negative value is drawn left of zero"
    for x, _ in (slk_budget, slk_forecast):
        assert abs(x - zero) < 0.01, "a positive value starts at zero"
    assert it_forecast[1] == pytest.approx(2 * it_budget[1], rel=0.01)
    assert slk_forecast[1] == pytest.approx(6.105 * it_budget[1], rel=0.01)
    texts = ["".join(t.itertext()) for t in svg.iter(SVG + "text")]
    # Full names: series and groups, never "B"/"P"; the scale has a 0 tick at the zero line.
    assert "Budget -100,0" in texts and "Prognos -200,0" in texts
    assert "Centrala och gemensamma IT-lösningar" in texts
    ticks = [t for t in svg.iter(SVG + "text") if t.get("text-anchor") in ("middle", "start") and "".join(t.itertext()) == "0"]
    assert ticks and abs(float(ticks[0].get("x", 0)) - zero) < 0.01
    assert "mnkr" in texts


def test_a_group_that_dwarfs_the_rest_gets_its_own_chart() -> None:
    figure = _chart([
        {"name": "Förskola", "net": {"budget": 41.2, "forecast": 40.9}},
        {"name": "Investeringar", "net": {"budget": 4120, "forecast": 4090}},
        {"name": "Stadsmiljö", "net": {"budget": 22.8, "forecast": 22.8}},
        {"sum": True},
    ])
    svgs = list(figure.iter(SVG + "svg"))
    assert len(svgs) == 2
    first, second = (["".join(t.itertext()) for t in svg.iter(SVG + "text")] for svg in svgs)
    assert "Investeringar" in first and "Förskola" not in first
    assert "Förskola" in second and "Stadsmiljö" in second
    bars, _ = _bars(svgs[1])
    assert max(width for _, width in bars) > 100, "the smaller groups fill their own scale"


def test_splitting_keeps_comparable_groups_together() -> None:
    groups = [Group(n, Decimal(b), Decimal(b)) for n, b in (("a", 643), ("b", 182), ("c", 22), ("d", 3), ("e", 0))]
    assert split_dwarfed(groups) == [groups]


def test_chart_colours_have_contrast() -> None:
    figure = _chart([{"name": "SLK", "net": {"budget": 573.5, "forecast": 610.5}}, {"sum": True}])
    (svg,) = figure.iter(SVG + "svg")
    fills = {r.get("fill") for r in svg.iter(SVG + "rect") if r.get("class") == "bar"}
    assert len(fills) == 2
    for colour in fills:
        assert contrast_ratio(colour, "#ffffff") >= GRAPHICS, colour
    (a, b) = fills
    assert a and b and contrast_ratio(a, b) >= 1.5, "the two series differ in lightness too"
    assert contrast_ratio(svg.get("fill", ""), "#ffffff") >= TEXT
