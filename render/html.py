"""Report model -> one self-contained HTML string, for preview and for PDF alike."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from render.budget import compute_budget
from render.chart import budget_chart
from render.labels import LANGUAGE_TAGS, labels_for
from render.load import LoadedReport
from render.model import Assessment, Report
from render.paths import read_svg
from render.templates import make_environment

FONT_FACES = (
    ("OpenSans-Regular.ttf", 400, "normal"),
    ("OpenSans-Italic.ttf", 400, "italic"),
    ("OpenSans-Semibold.ttf", 600, "normal"),
    ("OpenSans-Bold.ttf", 700, "normal"),
    ("OpenSans-BoldItalic.ttf", 700, "italic"),
)


@dataclass(frozen=True)
class Assets:
    """Where templates and styles are looked up: the user's folders first."""

    template_dirs: list[Path]
    style_dirs: list[Path]
    font_dir: Path
    extra: dict[str, Any] = field(default_factory=dict)


def _find_style(name: str, style_dirs: list[Path]) -> Path:
    for folder in style_dirs:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(name)


# Where the @font-face rules go; filled by `with_fonts`, so one render serves both outputs.
FONT_SLOT = "/*tul:font-faces*/"


@lru_cache(maxsize=16)
def _font_css(font_dir: Path, family: str, embedded: bool) -> str:
    rules = []
    for file, weight, style in FONT_FACES:
        path = font_dir / file
        if embedded:
            # The HTML file travels alone: fonts as data URIs, the page works offline.
            src = "data:font/ttf;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        else:
            # The PDF engine reads the vendored file directly: parsing 1.5 MB of
            # base64 in CSS cost WeasyPrint about 0.7 s per build.
            src = path.resolve().as_uri()
        rules.append(
            f"@font-face{{font-family:'{family}';font-weight:{weight};font-style:{style};"
            f"src:url({src}) format('truetype')}}"
        )
    return "\n".join(rules)


def with_fonts(html: str, assets: Assets, embedded: bool = True) -> str:
    """Fill the font slot: embedded data URIs (the HTML file) or linked vendored files (the PDF)."""
    return html.replace(FONT_SLOT, _font_css(assets.font_dir, "Open Sans", embedded), 1)


def _genitive(name: str) -> str:
    return name if name.endswith(("s", "x", "z")) else name + "s"


def _counts(report: Report, labels: dict[str, str]) -> list[str]:
    """Derived lines such as '12 av 12 KF:s mål för verksamhetsområdet uppfylls helt'."""
    areas = [a for d in report.goals for a in d.area_goals]
    boards = [b for a in areas for b in a.board_goals]
    past = any(
        g.assessment in (Assessment.FULLY_PAST, Assessment.PARTLY_PAST, Assessment.NOT_MET_PAST)
        for g in report.assessed_goals()
    )
    template = labels["count_fully_past" if past else "count_fully"]
    lines = []
    for goals, what in ((areas, labels["area_goals_plural"]), (boards, labels["board_goals_plural"])):
        if goals:
            fully = sum(1 for g in goals if g.assessment is not None and g.assessment.level == "fully")
            lines.append(template.format(n=fully, total=len(goals), what=what))
    return lines


def render_html(loaded: LoadedReport, assets: Assets, css_extra: str = "", fonts: bool = True) -> str:
    """Render the whole report as one HTML document (CSS and, unless fonts=False, fonts inline).

    With fonts=False the @font-face rules are left as FONT_SLOT for `with_fonts`."""
    report = loaded.report
    labels = labels_for(report.locale, report.labels)
    labels["proposals_heading"] = labels["proposals_heading"].format(
        forvaltning=report.forvaltning, forvaltning_genitive=_genitive(report.forvaltning)
    )
    labels["comparison"] = labels["comparison"].format(comparison_label=report.comparison_label)
    env = make_environment(assets.template_dirs, report.locale)
    budget = compute_budget(report.economy.budget)
    css = "\n".join(
        [
            FONT_SLOT,
            _find_style("report.css", assets.style_dirs).read_text(encoding="utf-8"),
            css_extra,
        ]
    )
    logo = None
    if report.theme.logo:
        # An <img> with a data: URI, not inline SVG: a script in an SVG image never runs.
        # Read under the path rule (render.paths): a logo linked to a file outside the report is refused.
        data = base64.b64encode(read_svg(loaded.folder, report.theme.logo)).decode("ascii")
        logo = f"data:image/svg+xml;base64,{data}"
    template = env.get_template("report.html")
    html = template.render(
        report=report,
        labels=labels,
        lang=LANGUAGE_TAGS[report.locale],
        budget=budget,
        budget_table=report.economy.budget,
        chart=budget_chart(budget, labels, report.economy.budget.unit, report.locale, report.theme.primary_colour),
        counts=_counts(report, labels),
        css=Markup(css),
        logo=logo,
        slug=loaded.slug,
        **assets.extra,
    )
    return with_fonts(html, assets) if fonts else html
