"""Checks beyond the schema: Markdown, stated budget figures, duplicate ids.

Each problem is located at file:line:col through the positions the loader kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from render.budget import compute_budget
from render.errors import Problem
from render.load import LoadedReport, dotted
from render.markup import check_markdown
from render.model import MARKDOWN_FIELDS
from render.paths import Refused, read_svg
from render.templates import format_number


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


def check_report(loaded: LoadedReport) -> list[Problem]:
    """Problems the schema cannot see; warnings are recoverable, errors are not."""
    problems: list[Problem] = []
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

    seen: dict[str, tuple[Any, ...]] = {}
    for d_index, direction in enumerate(report.goals):
        goals: list[tuple[tuple[Any, ...], Any]] = [(("goals", d_index), direction)]
        for a_index, area in enumerate(direction.area_goals):
            goals.append((("goals", d_index, "area_goals", a_index), area))
            for b_index, board in enumerate(area.board_goals):
                goals.append((("goals", d_index, "area_goals", a_index, "board_goals", b_index), board))
        for path, goal in goals:
            if goal.id is None:
                continue
            where = pos.locate((*path, "id"))
            if goal.id in seen:
                first = pos.locate((*seen[goal.id], "id"))
                problems.append(Problem(where.file, where.line, where.col, "error",
                                        f"duplicate goal id '{goal.id}' (first at {first.file}:{first.line}), expected each id once per report"))
            else:
                seen[goal.id] = path

    if report.theme.logo:
        problems.extend(_logo_problems(loaded, report.theme.logo))

    budget = compute_budget(report.economy.budget, ("economy", "budget"))
    locale = report.locale
    for miss in budget.mismatches:
        where = pos.locate(miss.path)
        problems.append(
            Problem(where.file, where.line, where.col, "warning",
                    f"budget {miss.label} {miss.column}: stated {format_number(miss.stated, 1, locale)} but the "
                    f"figures add up to {format_number(miss.computed, 1, locale)}, expected a difference of at most "
                    "rounding; correct the stated figure or the figures it is computed from")
        )
    return problems
