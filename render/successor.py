"""`tul new`: the next period's report, made from the previous one's content.

Kept: goals, indicators and their targets, activities, table rows and budgets, the
front page's people. Moved on: the period, its kind (T1 -> T2 with delårsbokslut ->
verksamhetsberättelse -> the next year's T1, render.period), the dates, the title,
indicator periods and the dates and years in table headings. Emptied, with a comment
that names what to write: assessments, outcomes, forecasts and activity follow-ups
(`deviation:` left empty). Carried as a draft (render.draft): every period-bound text
(proposals, summaries, analyses, section texts), so it is never kept as final unseen.

The rules work on the report's content as nested mappings and lists, with included
files in place; how a value is written back in its author's style (block scalars,
quotes, flow style, comments) is the `Editor`'s business (render.roundtrip).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import MutableMapping, MutableSequence
from dataclasses import dataclass
from typing import Any, Protocol

from render.draft import DRAFT_MARK, PLACEHOLDER, draft_mark
from render.errors import UsageProblem
from render.labels import fill, period_name, period_title
from render.model import Assessment, Report
from render.period import (
    Period,
    PeriodKind,
    default_table_columns,
    expected_tense,
    outcome_comes_later,
    period_at,
    period_of,
)

Tree = MutableMapping[str, Any]

# The comments beside the keys tul new leaves empty, in English like every comment in content files.
_COMMENT = {
    "assessment": "one of: {values}",
    "outcome": "outcome for {period}",
    "forecast": "full-year forecast {year}",
    "previous": "outcome for the comparison period{comparison}",
    "deviation": "false if the activity follows the plan, true if it deviates (then write an analysis)",
    "analysis": "analysis for {period}",
    "was": "  ({period}: {value})",
}

_TERTIAL_LABEL = re.compile(r"^\S+ (?P<n>[123]) (?P<year>\d{4})$")
_SWEDISH_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_MONTH_RANGE = re.compile(r"\b(jan(?:uari)?\s*[-–]\s*)(apr(?:il)?|aug(?:usti)?|dec(?:ember)?)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19|20|21)(\d\d)(?!\d)")


class Editor(Protocol):
    """Writes values back in the style their author used (render.roundtrip)."""

    def text(self, old: Any, new: str) -> Any:
        """`new`, written as `old` was: a block scalar stays a block, a quoted text stays quoted."""

    def empty(self, mapping: Tree, key: str, comment: str, after: tuple[str, ...] = ()) -> None:
        """`key:` left empty with `comment` beside it; a new key goes after the last of `after` present."""

    def mapping_like(self, like: Any, data: dict[str, Any]) -> Any:
        """A new mapping holding `data`, in the style (flow or block) of `like`."""


@dataclass(frozen=True)
class Step:
    """From one report's period to the next one's, with the words and dates that change."""

    old: Period
    new: Period
    old_label: str
    new_label: str
    old_as_of: dt.date
    as_of: dt.date
    locale: str

    @property
    def new_year(self) -> bool:
        """True when the next report belongs to another year (verksamhetsberättelse -> tertial 1)."""
        return self.new.year != self.old.year

    def shift_years(self, text: str) -> str:
        """Years in `text` moved on with the period: 'Budget 2020' -> 'Budget 2021' in a new year."""
        if not self.new_year:
            return text
        delta = self.new.year - self.old.year
        wanted = {self.old.year - 1, self.old.year}
        return _YEAR.sub(lambda m: str(int(m[0]) + delta) if int(m[0]) in wanted else m[0], text)

    def relabel(self, label: str) -> str:
        """A column heading moved on: 'Bokfört 200430' -> 'Bokfört 200831', 'Utfall jan-apr' -> 'Utfall jan-aug'."""
        label = label.replace(self.old_as_of.strftime("%y%m%d"), self.as_of.strftime("%y%m%d"))
        month = _SWEDISH_MONTHS[self.as_of.month - 1]

        def month_range(match: re.Match[str]) -> str:
            word = month if len(match[2]) == 3 else _long_month(self.as_of.month)
            return match[1] + (word.capitalize() if match[2][0].isupper() else word)

        if self.as_of.month in (4, 8, 12):
            label = _MONTH_RANGE.sub(month_range, label)
        return self.shift_years(label)


def _long_month(month: int) -> str:
    return {4: "april", 8: "augusti", 12: "december"}[month]


def plan_step(report: Report, kind: PeriodKind | None = None, label: str | None = None,
              as_of: dt.date | None = None) -> Step:
    """The step from `report` to the next report: by the period line, or by --kind/--period/--as-of."""
    old = period_of(report.period_kind, report.year, report.period)
    if label is not None and kind is None:
        match = _TERTIAL_LABEL.match(label.strip())
        if match is None and not re.search(r"\d{4}", label):
            raise UsageProblem(f"--period '{label}': cannot tell which period this is, expected e.g. 'Tertial 2 2020' "
                               "or --kind with a period that names its year")
        if match:
            new = period_at(int(match["year"]), int(match["n"]))
        else:
            new = old.following()
            found = re.search(r"\d{4}", label)
            new = Period(int(found[0]) if found else new.year, new.step, new.kind)
    else:
        new = old.following(kind)
    if (new.year, new.step) <= (old.year, old.step):
        raise UsageProblem(f"the new report would cover {period_name(report.locale, new.step, new.year)}, "
                           f"not after {report.period}, expected a later period")
    locale = report.locale
    return Step(old, new, report.period, label.strip() if label else period_name(locale, new.step, new.year),
                report.as_of, as_of or new.end, locale)


def new_title(report: Report, step: Step) -> tuple[str, bool]:
    """The next report's title, and whether it must be marked as a draft (a title tul cannot move on)."""
    old, new = step.old, step.new
    short_old, short_new = f"{old.step} {old.year}", f"{new.step} {new.year}"
    if old.step in (1, 2) and new.step in (1, 2) and short_old in report.title:
        return report.title.replace(short_old, short_new), False
    usual = {period_title(step.locale, old.step, old.year)}
    if old.step == 2:  # 'Tertialrapport 2 2020', without 'med delårsbokslut', is as usual
        usual.add(period_title(step.locale, 1, old.year).replace(" 1 ", " 2 "))
    if report.title in usual:
        return period_title(step.locale, new.step, new.year), False
    return report.title, True


def moved_comparison(label: str, step: Step) -> str:
    """The comparison period moved on: 'T1 2020' in T1 2021 becomes 'T2 2020' in T2 2021; 'VB 2019' a year on."""
    old, new = step.old, step.new
    same_last_year = re.compile(rf"\bT{old.step}\s+{old.year - 1}\b")
    if old.step in (1, 2) and same_last_year.search(label):
        short = f"T{new.step} {new.year - 1}" if new.step in (1, 2) else f"VB {new.year - 1}"
        return same_last_year.sub(short, label)
    return step.shift_years(label)


class Successor:
    """Applies the rules to one report's content tree (report.yaml with its included files in place)."""

    def __init__(self, report: Report, step: Step, edit: Editor, source: str | None = None) -> None:
        self.report, self.step, self.edit, self.source = report, step, edit, source
        self.mark = draft_mark(step.locale, step.old_label)
        comparison = report.comparison_label
        self.comparison = moved_comparison(comparison, step) if comparison else None
        tense = expected_tense(step.new.kind)
        self.assessments = [a.value for a in Assessment if tense is not None and a.tense == tense]
        self.new_kind = step.new.kind

    # -- the report ------------------------------------------------------------------------

    def move_on(self, tree: Tree) -> None:
        """Turn `tree` (the previous report's content) into the next report's content, in place."""
        step, report = self.step, self.report
        tree["period"] = step.new_label
        tree["period_kind"] = step.new.kind.value
        tree["year"] = step.new.year
        tree["as_of"] = step.as_of
        title, title_draft = new_title(report, step)
        tree["title"] = self.edit.text(tree["title"], self.mark + " " + title if title_draft else title)
        if self.comparison is not None and "comparison_label" in tree:
            tree["comparison_label"] = self.edit.text(tree["comparison_label"], self.comparison)
        tree.pop("draft", None)
        if self.source is not None:
            # The report it follows: its indicators' and budget lines' history (render.history).
            _put_after(tree, "as_of", "predecessors", [self.source])
        self.draft(tree, "summary")
        front = tree.get("front_page")
        if isinstance(front, MutableMapping):
            self.front_page(front, title if not title_draft else None)
        for direction in _items(tree.get("goals")):
            self.direction_goal(direction)
        economy = tree.get("economy")
        if isinstance(economy, MutableMapping):
            for section in _items(economy.get("sections")):
                self.section(section)
        for section in _items(tree.get("sections")):
            self.section(section)

    def front_page(self, front: Tree, title: str | None) -> None:
        """The tjänsteutlåtande: its date keeps its distance from the period's end; its texts become drafts."""
        report, step = self.report, self.step
        if report.front_page is not None and "date" in front:
            front["date"] = step.as_of + (report.front_page.date - report.as_of)
        self.draft(front, "reference")
        proposals = front.get("proposals")
        if isinstance(proposals, MutableSequence):
            for index in range(len(proposals)):
                self.draft(proposals, index)
        for key in ("summary", "background", "preparation", "considerations"):
            self.draft(front, key)
        attachments = front.get("attachments")
        if isinstance(attachments, MutableSequence):
            for index, item in enumerate(attachments):
                if title is not None and isinstance(item, str) and report.title in item:
                    attachments[index] = self.edit.text(item, item.replace(report.title, title))
                else:
                    self.draft(attachments, index)

    # -- goals -----------------------------------------------------------------------------

    def direction_goal(self, goal: Tree) -> None:
        """KF:s inriktningsmål: an assessment it had is emptied; its texts become drafts."""
        if "assessment" in goal:
            self.assessment(goal)
        self.draft(goal, "summary")
        self.draft(goal, "analysis")
        for area in _items(goal.get("area_goals")):
            self.goal(area)
            for board in _items(area.get("board_goals")):
                self.goal(board)
                if self.step.new_year:
                    self.draft(board, "expected_result")

    def goal(self, goal: Tree) -> None:
        """A KF-mål or nämndmål: assessment emptied, analysis a draft, indicators and activities followed up anew."""
        plan = self.new_kind == PeriodKind.PLAN
        self.assessment(goal)
        if "analysis" in goal:
            self.draft(goal, "analysis")
        elif not plan:
            self.edit.empty(goal, "analysis", fill(_COMMENT["analysis"], {"period": self.step.new_label}),
                            after=("title", "assessment"))
        for indicator in _items(goal.get("indicators")):
            self.indicator(indicator)
        for activity in _items(goal.get("activities")):
            self.activity(activity)

    def assessment(self, goal: Tree) -> None:
        """Emptied, with the values to choose from and the previous one beside it; a plan assesses nothing."""
        old = goal.get("assessment")
        if self.new_kind == PeriodKind.PLAN:
            goal.pop("assessment", None)
            return
        comment = fill(_COMMENT["assessment"], {"values": " | ".join(self.assessments)})
        if isinstance(old, str) and old:
            comment += self.was(old)
        self.edit.empty(goal, "assessment", comment, after=("title", "id"))

    def indicator(self, indicator: Tree) -> None:
        """Outcomes and forecasts emptied for the new period; the comparison kept while it still holds."""
        step = self.step
        old_outcome = indicator.get("outcome")
        plan = self.new_kind == PeriodKind.PLAN
        for key in ("outcome_men", "outcome_women"):
            if key in indicator:
                indicator[key] = None
        if "missing_reason" in indicator:
            self.draft(indicator, "missing_reason")
            indicator.pop("outcome", None)
        elif plan:
            indicator.pop("outcome", None)
        elif old_outcome is None and outcome_comes_later(_text(indicator.get("period")), self.new_kind):
            pass  # measured once a year: no outcome to write before the verksamhetsberättelse
        else:
            comment = fill(_COMMENT["outcome"], {"period": step.new_label})
            if old_outcome is not None:
                comment += self.was(old_outcome)
            self.edit.empty(indicator, "outcome", comment, after=("name", "id", "council_indicator"))
        if self.new_kind in (PeriodKind.ANNUAL, PeriodKind.PLAN):
            indicator.pop("forecast", None)
        else:
            old_forecast = indicator.get("forecast")
            comment = fill(_COMMENT["forecast"], {"year": step.new.year})
            self.edit.empty(indicator, "forecast", comment + (self.was(old_forecast) if old_forecast is not None else ""),
                            after=("outcome", "outcome_women", "outcome_men", "previous", "earlier"))
        if "previous" in indicator and (step.new_year or self.comparison != self.report.comparison_label):
            comparison = f", {self.comparison}" if self.comparison else ""
            old_previous = indicator["previous"]
            self.edit.empty(indicator, "previous", fill(_COMMENT["previous"], {"comparison": comparison})
                            + (self.was(old_previous) if old_previous is not None else ""))
        period = indicator.get("period")
        if isinstance(period, str) and period.strip() == step.old_label:
            indicator["period"] = self.edit.text(period, step.new_label)
        elif period is not None and step.new_year and str(period).strip() == str(step.old.year):
            indicator["period"] = type(period)(step.new.year) if isinstance(period, int) else \
                self.edit.text(period, str(step.new.year))
        self.draft(indicator, "analysis")

    def activity(self, activity: Tree) -> None:
        """An activity is followed up anew: `deviation:` left empty, its analysis a draft."""
        if self.new_kind == PeriodKind.PLAN:
            activity.pop("deviation", None)
        else:
            comment = _COMMENT["deviation"]
            old = activity.get("deviation")
            if isinstance(old, bool):
                comment += self.was(str(old).lower())
            self.edit.empty(activity, "deviation", comment, after=("end", "start", "text"))
        self.draft(activity, "analysis")

    def was(self, value: Any) -> str:
        """'  (Tertial 1 2020: 7 st)': the previous period's value, beside the emptied key."""
        return fill(_COMMENT["was"], {"period": self.step.old_label, "value": " ".join(str(value).split())})

    # -- sections and tables ---------------------------------------------------------------

    def section(self, section: Tree) -> None:
        """A section's text becomes a draft; its tables move on; sub-sections alike."""
        self.draft(section, "text")
        for table in _items(section.get("tables")):
            self.table(table)
        for sub in _items(section.get("sections")):
            self.section(sub)

    def table(self, table: Tree) -> None:
        """Budgets kept; booked figures and outcomes start at 0; forecasts start at the budget; headings move on."""
        step = self.step
        columns = table.get("columns")
        if isinstance(columns, MutableSequence):
            self._move_columns(columns)
            entered = [c.get("key") for c in columns if isinstance(c, MutableMapping) and c.get("difference") is None]
        else:
            entered = [key for key, difference in default_table_columns(self.new_kind) if difference is None]
        for row in _items(table.get("rows")):
            row.pop("stated", None)
            for line in ("costs", "income", "net"):
                figures = row.get(line)
                if isinstance(figures, MutableMapping):
                    _carry(figures, [key for key in entered if isinstance(key, str)], step.new_year)
            self.draft(row, "text")
        if isinstance(table.get("caption"), str):
            table["caption"] = self.edit.text(table["caption"], step.shift_years(table["caption"]))

    def _move_columns(self, columns: MutableSequence[Any]) -> None:
        step = self.step
        keys = [c.get("key") for c in columns if isinstance(c, MutableMapping)]
        compared = next((k for k in ("booked", "outcome") if k in keys), None)
        if self.new_kind == PeriodKind.ANNUAL and "forecast" in keys and compared:
            # A verksamhetsberättelse forecasts nothing: differences compare with the outcome instead.
            for index in reversed(range(len(columns))):
                if isinstance(columns[index], MutableMapping) and columns[index].get("key") == "forecast":
                    del columns[index]
            _repoint(columns, "forecast", compared)
        elif self.new_kind in (PeriodKind.TERTIAL, PeriodKind.INTERIM) and "forecast" not in keys and compared:
            # Back to a tertial: a forecast column after the outcome, and the differences compare with it.
            at = keys.index(compared) + 1
            _repoint(columns, compared, "forecast")
            columns.insert(at, self.edit.mapping_like(columns[at - 1], {"key": "forecast"}))
        for column in columns:
            if isinstance(column, MutableMapping) and isinstance(column.get("label"), str):
                column["label"] = self.edit.text(column["label"], step.relabel(column["label"]))

    # -- drafts ----------------------------------------------------------------------------

    def draft(self, container: Any, key: Any) -> None:
        """Mark the text at container[key] as carried over from the previous period (once)."""
        try:
            value = container[key]
        except (KeyError, IndexError, TypeError):
            return
        if not isinstance(value, str) or not value.strip() or DRAFT_MARK.search(value) or PLACEHOLDER.search(value):
            return  # already a draft, or still to be written: nothing to confirm
        # A block of Markdown gets the mark as its own paragraph; a one-line text gets it in front.
        separator = "\n\n" if "\n" in value.strip() or value.endswith("\n") else " "
        container[key] = self.edit.text(value, self.mark + separator + value)


def _put_after(tree: Tree, after: str, key: str, value: Any) -> None:
    """tree[key] = value, placed after `after` where the mapping keeps an order an author sees."""
    tree.pop(key, None)
    keys = list(tree)
    insert = getattr(tree, "insert", None)
    if insert is not None and after in keys:
        insert(keys.index(after) + 1, key, value)
    else:
        tree[key] = value


def _text(value: Any) -> str | None:
    """A scalar as text ('period: 2020' is read as a number by the round trip)."""
    return None if value is None else str(value)


def _items(value: Any) -> list[Tree]:
    """The mappings in a list (an included file's name, still a string, is skipped)."""
    if not isinstance(value, MutableSequence):
        return []
    return [item for item in value if isinstance(item, MutableMapping)]


def _repoint(columns: MutableSequence[Any], old: str, new: str) -> None:
    """Differences that used column `old` use column `new`."""
    for column in columns:
        if not isinstance(column, MutableMapping):
            continue
        difference = column.get("difference")
        if isinstance(difference, MutableSequence) and old in difference:
            for index, operand in enumerate(difference):
                if operand == old:
                    difference[index] = new


def _carry(figures: Tree, entered: list[str], new_year: bool) -> None:
    """One line of a group's figures for the new period's columns."""
    old = dict(figures)
    budget = old.get("budget", 0.0)
    for key in list(figures):
        if key not in entered:
            del figures[key]
    for key in entered:
        if key in ("booked", "outcome"):
            value: Any = 0.0
        elif key == "forecast":
            value = budget
        elif key == "previous_outcome":
            value = old.get("outcome", old.get("booked", 0.0)) if new_year else old.get(key, 0.0)
        elif key == "previous_budget":
            value = budget if new_year else old.get(key, 0.0)
        else:
            value = old.get(key, 0.0)
        figures[key] = value

