"""`tul new`: start the next period's report from the previous one.

Goals, indicators, targets, activities and budgets are kept; outcomes, forecasts,
analyses, assessments, deviations and booked figures are emptied; period labels move on.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from render.errors import ReportError
from render.model import Report
from render.period import PeriodKind

_TERTIAL = re.compile(r"^(?P<word>\S+) (?P<n>[123]) (?P<year>\d{4})$")
_TERTIAL_END = {1: (4, 30), 2: (8, 31), 3: (12, 31)}


def next_period(period: str) -> str:
    """'Tertial 1 2020' -> 'Tertial 2 2020'; 'Tertial 3 2020' -> 'Tertial 1 2021'."""
    match = _TERTIAL.match(period)
    if not match:
        raise ReportError(f"cannot tell the period after '{period}', expected --period such as 'Tertial 2 2020'")
    n, year = int(match["n"]), int(match["year"])
    n, year = (1, year + 1) if n == 3 else (n + 1, year)
    return f"{match['word']} {n} {year}"


def period_end(period: str, fallback: dt.date) -> dt.date:
    """The last day a tertial covers, e.g. 2020-08-31 for 'Tertial 2 2020'."""
    match = _TERTIAL.match(period)
    if not match:
        return fallback
    month, day = _TERTIAL_END[int(match["n"])]
    return dt.date(int(match["year"]), month, day)


def _short(period: str) -> str:
    match = _TERTIAL.match(period)
    return f"{match['n']} {match['year']}" if match else period


def successor_data(report: Report, period: str | None = None, as_of: dt.date | None = None,
                   source: str | None = None) -> dict[str, Any]:
    """The next report as plain data, ready to be written back as YAML; `source` (its folder) becomes its predecessor."""
    new_period = period or next_period(report.period)
    new_as_of = as_of or period_end(new_period, report.as_of)
    data = report.model_dump(mode="python", exclude_defaults=True)
    if source is not None:
        # Its predecessors' predecessors are followed from there (render.related), back a year.
        data["predecessors"] = [source]
    data["period"] = new_period
    data["as_of"] = new_as_of
    data["year"] = new_as_of.year
    data["title"] = report.title.replace(_short(report.period), _short(new_period))
    data.pop("summary", None)
    match = _TERTIAL.match(new_period)
    if match and report.period_kind in (PeriodKind.TERTIAL, PeriodKind.INTERIM):
        # Tertialrapport 2 comes with the delårsbokslut.
        data["period_kind"] = PeriodKind.INTERIM if match["n"] == "2" else PeriodKind.TERTIAL
    if "front_page" in data:
        data["front_page"]["date"] = new_as_of
    for direction in data.get("goals", []):
        direction.pop("summary", None)
        direction.pop("assessment", None)
        direction.pop("analysis", None)
        for area in direction.get("area_goals", []):
            _empty_goal(area, report.period, new_period)
            for board in area.get("board_goals", []):
                _empty_goal(board, report.period, new_period)
    old_stamp, new_stamp = report.as_of.strftime("%y%m%d"), new_as_of.strftime("%y%m%d")
    for section in [*(data["economy"]["sections"] if "economy" in data else []), *data.get("sections", [])]:
        _empty_section(section, old_stamp, new_stamp)
    return data


def _empty_goal(goal: dict[str, Any], old_period: str, new_period: str) -> None:
    goal.pop("assessment", None)
    goal.pop("analysis", None)
    for indicator in goal.get("indicators", []):
        for key in ("outcome", "missing_reason", "outcome_men", "outcome_women", "previous", "forecast", "analysis"):
            indicator.pop(key, None)
        if indicator.get("period") == old_period:
            indicator["period"] = new_period
    for activity in goal.get("activities", []):
        activity.pop("deviation", None)
        activity.pop("analysis", None)


def _empty_section(section: dict[str, Any], old_stamp: str, new_stamp: str) -> None:
    section.pop("text", None)
    for table in section.get("tables", []):
        _empty_table(table, old_stamp, new_stamp)
    for sub in section.get("sections", []):
        _empty_section(sub, old_stamp, new_stamp)


def _empty_table(table: dict[str, Any], old_stamp: str, new_stamp: str) -> None:
    """Budgets kept; booked figures and outcomes start at 0; the forecast starts at the budget."""
    for column in table.get("columns", []):
        if "label" in column:
            column["label"] = column["label"].replace(old_stamp, new_stamp)
    for row in table["rows"]:
        row.pop("stated", None)
        for line in ("costs", "income", "net"):
            figures = row.get(line)
            if not figures:
                continue
            for key in ("booked", "outcome"):
                if key in figures:
                    figures[key] = 0
            if "forecast" in figures and "budget" in figures:
                figures["forecast"] = figures["budget"]
