"""Inline SVG charts made by tul itself: no JavaScript, with a text alternative.

A budget chart is a figure: a visible title with the unit (<figcaption>), then one SVG per
scale. Each group's name is written in full above its bars (wrapped, never over a bar),
each bar is named with its series and value, a zero line separates negative values (drawn
to its left) from positive ones, and a scale with ticks sits under the bars. Where one
group dwarfs the rest, the rest get a second chart with a scale of their own, so that no
bar is squashed to nothing. Sizes are in viewBox units: the SVG is 300 units wide and is
drawn about 300 px wide on a phone and 95 mm wide on paper, so 10 units is about 10 px or
9 pt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from render.contrast import GRAPHICS, lightest_tint
from render.format import format_number
from render.labels import fill
from render.tables import ComputedTable, Line

WIDTH = 300
TEXT = "#1a1a1a"  # 16:1 on white
GRID = "#d0d0d0"  # decorative: the tick labels carry the scale
NAME_SIZE, VALUE_SIZE, TICK_SIZE = 10.5, 10.0, 9.5
BAR_H, BAR_GAP, GROUP_GAP = 9.0, 3.0, 7.0
# One group dwarfs the others when it is this many times larger than the next one.
DWARF_RATIO = 10


@dataclass(frozen=True)
class Group:
    """A group's name and its two net figures: budget and the compared column."""

    name: str
    budget: Decimal
    compared: Decimal

    @property
    def magnitude(self) -> Decimal:
        """The longer of its two bars."""
        return max(abs(self.budget), abs(self.compared))


# Advance widths of Open Sans in em, by kind of character; enough to wrap and place labels.
_NARROW = set("iljtfrI.,:;'!|()[] -")
_WIDE = set("mwMW%")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width of `text` set in Open Sans (Semibold if `bold`) at `size`."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.3
        elif char in _WIDE:
            em += 0.85
        elif char.isupper():
            em += 0.66
        else:
            em += 0.56
    return em * size * (1.06 if bold else 1.0)


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` (a longer word gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` intervals over `span`."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def split_dwarfed(groups: list[Group]) -> list[list[Group]]:
    """The groups in one chart, or in two when the largest ones dwarf the rest (each keeps its order)."""
    sizes = sorted({g.magnitude for g in groups if g.magnitude}, reverse=True)
    ratios = [(sizes[i] / sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)]
    if not ratios:
        return [groups]
    ratio, threshold = max(ratios)
    if ratio < DWARF_RATIO:
        return [groups]
    return [[g for g in groups if g.magnitude >= threshold], [g for g in groups if g.magnitude < threshold]]


def budget_chart(table: ComputedTable, labels: dict[str, str], locale: str, primary: str = "#0a3a6b",
                 chart_id: str = "budget-chart") -> Markup:
    """A figure of horizontal bars: budget against forecast (or outcome), netto, per summed group."""
    pair = table.chart_columns()
    assert pair is not None, "derive reports a chart without a budget/compared pair"
    budget_key, compared_key = pair
    groups = [Group(name, lines[Line.NET][budget_key].shown, lines[Line.NET][compared_key].shown)
              for name, lines in table.groups]
    budget_word, compared_word = labels["chart_budget"], labels[f"chart_{compared_key}"]
    words = {"budget": budget_word, "compared": compared_word.lower(), "unit": table.unit}
    title = fill(labels["chart_title"], words)
    desc = fill(labels["chart_desc"], {**words, "budget": budget_word.lower()})
    # The compared series: the lightest tint of the theme colour with a margin above 3:1 on white.
    series = ((budget_word, primary), (compared_word, lightest_tint(primary, GRAPHICS + 0.25)))
    parts = split_dwarfed(groups)
    out = [f'<figure class="chart-figure"><figcaption id="{chart_id}-caption">{escape(title)}</figcaption>']
    for index, part in enumerate(parts):
        part_id = f"{chart_id}-{index + 1}" if len(parts) > 1 else chart_id
        part_title = title
        if index:
            rest = labels["chart_rest"]
            out.append(f'<p class="chart-part">{escape(rest)}</p>')
            part_title = f"{title}: {rest}"
        out.append(_svg(part, series, table.spec.decimals, table.unit, locale, part_id, part_title, desc))
    out.append("</figure>")
    return Markup("".join(out))


def _svg(groups: list[Group], series: tuple[tuple[str, str], tuple[str, str]], places: int, unit: str,
         locale: str, chart_id: str, title: str, desc: str) -> str:
    def number(value: Decimal | float, decimals: int = places) -> str:
        return format_number(value, decimals, locale)

    values = [float(v) for g in groups for v in (g.budget, g.compared)]
    low, high = min(0.0, *values), max(0.0, *values)
    step = nice_step(high - low) if high > low else 1.0
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    high = high if high > low else low + step
    tick_places = 0 if step == int(step) else 1
    # The value column holds "Prognos -1 428,7" at its widest; the bars get the rest.
    value_w = max(text_width(f"{word} {number(v)}", VALUE_SIZE)
                  for g in groups for word, v in ((series[0][0], g.budget), (series[1][0], g.compared)))
    plot_left, plot_right = 2.0, WIDTH - value_w - 8
    span = plot_right - plot_left

    def x(value: float) -> float:
        return plot_left + (value - low) / (high - low) * span

    zero = x(0.0)
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    body: list[str] = []
    # Grid and zero line run beside the bars only, never through a group's name.
    grid: list[str] = []
    zero_lines: list[str] = []
    # Legend: a swatch and the series' name each; the value labels name the series as well.
    legend_x = 0.0
    for word, colour in series:
        body.append(f'<rect x="{legend_x:.1f}" y="2" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{legend_x + 14:.1f}" y="11" font-size="{VALUE_SIZE}">{escape(word)}</text>')
        legend_x += 14 + text_width(word, VALUE_SIZE) + 16
    y = 22.0
    for group in groups:
        for line in wrap(group.name, NAME_SIZE, WIDTH - 4, bold=True):
            y += NAME_SIZE * 1.25
            body.append(f'<text x="0" y="{y - 2.5:.1f}" font-size="{NAME_SIZE}" font-weight="600">{escape(line)}</text>')
        y += 2
        top, bottom = y - 1.5, y + 2 * BAR_H + BAR_GAP + 1.5
        grid.extend(f'<line x1="{x(t):.2f}" y1="{top:.1f}" x2="{x(t):.2f}" y2="{bottom:.1f}" stroke="{GRID}" '
                    'stroke-width="0.6"/>' for t in ticks)
        zero_lines.append(f'<line class="zero" x1="{zero:.2f}" y1="{top:.1f}" x2="{zero:.2f}" y2="{bottom:.1f}" '
                          f'stroke="{TEXT}" stroke-width="1.2"/>')
        for (word, colour), value in zip(series, (group.budget, group.compared), strict=True):
            end = x(float(value))
            left, width = min(zero, end), abs(end - zero)
            body.append(f'<rect class="bar" x="{left:.2f}" y="{y:.1f}" width="{width:.2f}" height="{BAR_H}" fill="{colour}"/>')
            body.append(f'<text x="{WIDTH}" y="{y + BAR_H - 1.5:.1f}" font-size="{VALUE_SIZE}" text-anchor="end">'
                        f"{escape(word)} {escape(number(value))}</text>")
            y += BAR_H + BAR_GAP
        y += GROUP_GAP
    bottom = y - GROUP_GAP + 4
    # The scale: labelled ticks under the bars; the zero line is dark over the light grid.
    axis = [f'<line x1="{plot_left}" y1="{bottom:.1f}" x2="{plot_right:.2f}" y2="{bottom:.1f}" stroke="{TEXT}" stroke-width="0.8"/>']
    for t in ticks:
        anchor = "start" if t == ticks[0] and x(t) < plot_left + 8 else "middle"
        axis.append(f'<line x1="{x(t):.2f}" y1="{bottom:.1f}" x2="{x(t):.2f}" y2="{bottom + 3:.1f}" stroke="{TEXT}" stroke-width="0.8"/>'
                    f'<text x="{x(t):.2f}" y="{bottom + 3 + TICK_SIZE:.1f}" font-size="{TICK_SIZE}" text-anchor="{anchor}">'
                    f"{escape(number(t, tick_places))}</text>")
    axis.append(f'<text x="{(plot_left + plot_right) / 2:.1f}" y="{bottom + 6 + 2 * TICK_SIZE:.1f}" font-size="{TICK_SIZE}" '
                f'text-anchor="middle">{escape(unit)}</text>')
    height = bottom + 10 + 2 * TICK_SIZE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" font-family="Open Sans, sans-serif" fill="{TEXT}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(grid) + "".join(body) + "".join(zero_lines) + "".join(axis) + "</svg>"
    )
