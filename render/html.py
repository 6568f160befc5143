"""Report model -> one self-contained HTML string, for preview and for PDF alike."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from render.chart import budget_chart
from render.derive import Derived
from render.labels import LANGUAGE_TAGS, fill
from render.paths import Refused, read_inside, read_svg
from render.tables import ComputedTable
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


def _read_style(name: str, style_dirs: list[Path]) -> str:
    """The first `name` in the style folders, read under the path rule: a stylesheet that links to a
    file outside its folder is refused, never embedded."""
    for folder in style_dirs:
        try:
            return read_inside(folder, name).decode("utf-8")
        except Refused as exc:
            if exc.kind != "missing":
                raise Refused(f"{folder / name}: error: {exc.reason}") from None
        except UnicodeDecodeError:
            raise Refused(f"{folder / name}: error: the stylesheet is not UTF-8 text, expected UTF-8") from None
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


def render_html(derived: Derived, assets: Assets, css_extra: str = "", fonts: bool = True) -> str:
    """Render the whole report as one HTML document (CSS and, unless fonts=False, fonts inline).

    With fonts=False the @font-face rules are left as FONT_SLOT for `with_fonts`."""
    loaded = derived.loaded
    report = loaded.report
    labels = derived.labels
    env = make_environment(assets.template_dirs, report.locale)
    css = "\n".join(
        [
            FONT_SLOT,
            _read_style("report.css", assets.style_dirs),
            css_extra,
        ]
    )
    logo = None
    if report.theme.logo:
        # An <img> with a data: URI, not inline SVG: a script in an SVG image never runs.
        # Read under the path rule (render.paths): a logo linked to a file outside the report is refused.
        data = base64.b64encode(read_svg(loaded.folder, report.theme.logo)).decode("ascii")
        logo = f"data:image/svg+xml;base64,{data}"

    def chart(table: ComputedTable) -> Markup:
        index = derived.tables.index(table)
        return budget_chart(table, labels, report.locale, report.theme.primary_colour, f"chart-{index + 1}")

    template = env.get_template("report.html")
    html = template.render(
        report=report,
        derived=derived,
        labels=labels,
        lang=LANGUAGE_TAGS[report.locale],
        has_summary=bool(report.summary or derived.counts or any(d.summary for d in report.goals)),
        chart=chart,
        fill=fill,
        css=Markup(css),
        logo=logo,
        slug=loaded.slug,
        **assets.extra,
    )
    return with_fonts(html, assets) if fonts else html
