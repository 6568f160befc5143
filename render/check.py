"""Checks beyond the schema: Markdown, duplicate ids, the logo; and what deriving found.

Each problem is located at file:line:col through the positions the loader kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from render.contrast import TEXT, contrast_ratio, passing_shade
from render.derive import Derived
from render.errors import Problem
from render.load import LoadedReport, dotted
from render.markup import check_markdown
from render.model import MARKDOWN_FIELDS
from render.paths import Refused, read_svg


def _markdown_fields(obj: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every Markdown text in the model with its path."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if (type(obj).__name__, name) not in MARKDOWN_FIELDS:
                yield from _markdown_fields(value, (*path, name))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    yield (*path, name, i), item
            elif value:
                yield (*path, name), value
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _markdown_fields(item, (*path, i))


def _logo_problems(loaded: LoadedReport, logo: str) -> list[Problem]:
    """The logo is read under the path rule (render.paths): inside the report folder, an SVG file."""
    where = loaded.positions.locate(("theme", "logo"))
    try:
        read_svg(loaded.folder, logo)
    except Refused as exc:
        reason = f"file '{logo}' not found, expected an SVG file next to report.yaml" if exc.kind == "missing" else exc.reason
        return [Problem(where.file, where.line, where.col, "error", f"theme.logo: {reason}")]
    return []


def check_report(derived: Derived) -> list[Problem]:
    """Problems the schema cannot see; warnings are recoverable, errors are not."""
    loaded = derived.loaded
    problems: list[Problem] = list(derived.problems)
    pos = loaded.positions
    report = loaded.report

    for path, text in _markdown_fields(report, ()):
        where = pos.locate(path)
        for issue in check_markdown(text):
            # A block scalar's text starts on the line after its '|' marker.
            line = where.line + issue.line + (1 if where.block else 0)
            col = where.indent + 1 if where.block else where.col
            name = dotted(pos.relative(path))
            problems.append(Problem(where.file, line, col, issue.severity, f"{name}: {issue.message}"))

    problems.extend(_duplicate_ids(derived))
    problems.extend(_theme_contrast(derived))

    if report.theme.logo:
        problems.extend(_logo_problems(loaded, report.theme.logo))
    return problems


# How styles/report.css and the chart use the theme's colours: (colour, against, minimum, where).
THEME_USES = (
    ("primary_colour", "#ffffff", TEXT, "white", "as text on white (goal headings, links, the KF marker, the "
     "organisation's name) and as the chart's bars"),
    ("accent_colour", "#1a1a1a", TEXT, "the dark text (#1a1a1a)", "behind the dark text of table headings"),
)


def _theme_contrast(derived: Derived) -> list[Problem]:
    """A theme colour that readers cannot tell from what it is used with (WCAG 2.1 1.4.3, 1.4.11)."""
    theme = derived.report.theme
    problems = []
    for key, against, minimum, against_name, use in THEME_USES:
        colour = getattr(theme, key)
        ratio = contrast_ratio(colour, against)
        if ratio >= minimum:
            continue
        where = derived.loaded.positions.locate(("theme", key))
        shade = passing_shade(colour, against, minimum)
        hint = f", e.g. '{shade}'" if shade else ""
        problems.append(Problem(where.file, where.line, where.col, "warning",
                                f"theme.{key}: '{colour}' has a contrast of {int(ratio * 100) / 100:.2f}:1 against {against_name}, where "
                                f"it is used {use}; expected at least {minimum:g}:1 (WCAG 2.1 AA){hint}"))
    return problems


def _duplicate_ids(derived: Derived) -> list[Problem]:
    """Goal, indicator and table ids are each unique in a report: links and matching rely on them."""
    pos = derived.loaded.positions
    problems = []
    seen: dict[tuple[str, str], tuple[Any, ...]] = {}
    for path, obj in _with_ids(derived.report, ()):
        name = type(obj).__name__
        kind = "goal" if name.endswith("Goal") else {"FinancialTable": "table"}.get(name, name.lower())
        key = (kind, obj.id)
        where = pos.locate((*path, "id"))
        if key in seen:
            first = pos.locate((*seen[key], "id"))
            problems.append(Problem(where.file, where.line, where.col, "error",
                                    f"duplicate {kind} id '{obj.id}' (first at {first.file}:{first.line}), expected each id once per report"))
        else:
            seen[key] = path
    return problems


def _with_ids(obj: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every model object that carries an id, with its path."""
    if isinstance(obj, BaseModel):
        if getattr(obj, "id", None) is not None:
            yield path, obj
        for name in type(obj).model_fields:
            yield from _with_ids(getattr(obj, name), (*path, name))
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _with_ids(item, (*path, i))
