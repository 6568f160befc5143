"""Inline SVG charts made by tul itself: no JavaScript, with a text alternative."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from render.format import format_number
from render.labels import fill
from render.tables import Cell, ComputedTable, Line


def budget_chart(table: ComputedTable, labels: dict[str, str], locale: str, primary: str = "#0a3a6b",
                 chart_id: str = "budget-chart") -> Markup:
    """Horizontal bars: budget against forecast (or outcome), netto, per summed group."""
    pair = table.chart_columns()
    assert pair is not None, "derive reports a chart without a budget/compared pair"
    budget_key, compared_key = pair
    groups: list[tuple[str, Cell, Cell]] = [
        (name, lines[Line.NET][budget_key], lines[Line.NET][compared_key]) for name, lines in table.groups
    ]
    places = table.spec.decimals
    budget_word, compared_word = labels["chart_budget"], labels[f"chart_{compared_key}"]
    words = {"budget": budget_word, "compared": compared_word.lower(), "unit": table.unit}
    values = [abs(c.shown) for _, b, f in groups for c in (b, f)] or [Decimal(1)]
    top = max(values) or Decimal(1)
    label_w, bar_w, value_w = 230, 300, 70
    row_h, bar_h, gap = 34, 11, 3
    width = label_w + bar_w + value_w
    legend_h = 22
    height = legend_h + row_h * len(groups) + 6
    title = fill(labels["chart_title"], words)
    desc = fill(labels["chart_desc"], {**words, "budget": budget_word.lower()})
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" font-family="Open Sans, sans-serif" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        # legend: colour is never alone, each series is also named on its bar's value
        f'<rect x="{label_w}" y="4" width="12" height="10" fill="{primary}"/>'
        f'<text x="{label_w + 16}" y="13" font-size="9" fill="#1a1a1a">{escape(budget_word)}</text>',
        f'<rect x="{label_w + 90}" y="4" width="12" height="10" fill="#7fa7cf" stroke="{primary}" stroke-width="0.5"/>'
        f'<text x="{label_w + 106}" y="13" font-size="9" fill="#1a1a1a">{escape(compared_word)}</text>',
    ]
    for index, (name, budget_cell, compared_cell) in enumerate(groups):
        y = legend_h + index * row_h
        out.append(f'<text x="0" y="{y + bar_h + 4}" font-size="10" fill="#1a1a1a">{escape(name)}</text>')
        for offset, cell, css, short in (
            (0, budget_cell, f'fill="{primary}"', budget_word),
            (bar_h + gap, compared_cell, f'fill="#7fa7cf" stroke="{primary}" stroke-width="0.5"', compared_word),
        ):
            length = float(abs(cell.shown) / top) * bar_w if top else 0.0
            out.append(
                f'<rect x="{label_w}" y="{y + offset}" width="{length:.1f}" height="{bar_h}" {css}/>'
            )
            out.append(
                f'<text x="{label_w + length + 4:.1f}" y="{y + offset + bar_h - 1}" font-size="9" fill="#1a1a1a">'
                f"{escape(short[0])} {escape(format_number(cell.shown, places, locale))}</text>"
            )
    out.append("</svg>")
    return Markup("".join(out))
