"""Who writes and when: the writer kind and the period kind, and what each decides.

A report's period kind (tertialrapport, delårsrapport, verksamhetsberättelse,
verksamhetsplan) decides the tense of its assessments and the default columns of
its indicator and financial tables; its writer kind (facknämnd, stadsdelsnämnd,
bolag) decides words such as "Nämndmål" or "Bolagets mål". The periods follow
each other on one line (plan, tertial 1, tertial 2, the year, the next year's
tertial 1): `Period.following` is the one rule for what comes next. No I/O, no labels.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class PeriodKind(StrEnum):
    """Rapporttyp: which follow-up document this is."""

    TERTIAL = "tertial"  # Tertialrapport 1 (30 April): outcome so far and a forecast
    INTERIM = "interim"  # Tertialrapport 2 med delårsbokslut (31 August)
    ANNUAL = "annual"  # Verksamhetsberättelse (31 December): outcomes, past tense, no forecast
    PLAN = "plan"  # Verksamhetsplan (before the year): targets and budget, no outcomes


class Writer(StrEnum):
    """Who writes the report: a facknämnd, a stadsdelsnämnd or a company (bolag)."""

    COMMITTEE = "committee"
    DISTRICT = "district_committee"
    COMPANY = "company"


class Tense(StrEnum):
    """Tense of an assessment: 'uppfylls' (present) or 'uppfylldes' (past)."""

    PRESENT = "present"
    PAST = "past"


def expected_tense(kind: PeriodKind) -> Tense | None:
    """The tense assessments take in a report of `kind`; None where nothing is assessed (a plan)."""
    return {PeriodKind.TERTIAL: Tense.PRESENT, PeriodKind.INTERIM: Tense.PRESENT,
            PeriodKind.ANNUAL: Tense.PAST, PeriodKind.PLAN: None}[kind]


# The columns an indicator table may show, in the order an author would list them.
INDICATOR_COLUMNS = ("outcome", "outcome_men", "outcome_women", "previous", "earlier", "forecast", "target",
                     "council_target", "period")

_DEFAULT_INDICATOR_COLUMNS = {
    PeriodKind.TERTIAL: ("outcome", "outcome_men", "outcome_women", "previous", "forecast", "target",
                         "council_target", "period"),
    PeriodKind.INTERIM: ("outcome", "outcome_men", "outcome_women", "previous", "forecast", "target",
                         "council_target", "period"),
    PeriodKind.ANNUAL: ("outcome", "outcome_men", "outcome_women", "previous", "target", "council_target", "period"),
    PeriodKind.PLAN: ("previous", "target", "council_target", "period"),
}


def default_indicator_columns(kind: PeriodKind) -> tuple[str, ...]:
    """The indicator columns a report of `kind` shows unless it declares its own."""
    return _DEFAULT_INDICATOR_COLUMNS[kind]


# Financial table columns: (key, difference) where a difference is (minuend, subtrahend).
_DEFAULT_TABLE_COLUMNS: dict[PeriodKind, tuple[tuple[str, tuple[str, str] | None], ...]] = {
    PeriodKind.TERTIAL: (("budget", None), ("booked", None), ("forecast", None), ("deviation", ("budget", "forecast"))),
    PeriodKind.INTERIM: (("budget", None), ("booked", None), ("forecast", None), ("deviation", ("budget", "forecast"))),
    PeriodKind.ANNUAL: (("budget", None), ("outcome", None), ("deviation", ("budget", "outcome")),
                        ("previous_outcome", None)),
    PeriodKind.PLAN: (("budget", None), ("previous_budget", None)),
}


def default_table_columns(kind: PeriodKind) -> tuple[tuple[str, tuple[str, str] | None], ...]:
    """The financial table columns of a report of `kind` unless a table declares its own."""
    return _DEFAULT_TABLE_COLUMNS[kind]


# Which column a chart compares with the budget, by preference.
COMPARED_WITH_BUDGET = ("forecast", "outcome", "booked", "previous_budget")


# -- moving from one period to the next ------------------------------------------------
#
# A year's follow-up runs: verksamhetsplan (before the year) -> tertialrapport 1 (30 April)
# -> tertialrapport 2 med delårsbokslut (31 August) -> verksamhetsberättelse (31 December)
# -> the next year's tertialrapport 1. A period is placed on that line by its step:
# 0 the plan, 1 and 2 the tertials, 3 the year's end.

_STEP_OF_KIND = {PeriodKind.PLAN: 0, PeriodKind.TERTIAL: 1, PeriodKind.INTERIM: 2, PeriodKind.ANNUAL: 3}
_KIND_OF_STEP = {0: PeriodKind.PLAN, 1: PeriodKind.TERTIAL, 2: PeriodKind.INTERIM, 3: PeriodKind.ANNUAL}
# The day each step's figures refer to (month, day); a plan is made before its year starts.
_STEP_END = {1: (4, 30), 2: (8, 31), 3: (12, 31)}
_TERTIAL_NUMBER = re.compile(r"^\S+ (?P<n>[123]) (?P<year>\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A follow-up period (uppföljningsperiod): its year and its step in the year, and its kind."""

    year: int
    step: int  # 0 plan, 1 tertial 1, 2 tertial 2, 3 the year (verksamhetsberättelse)
    kind: PeriodKind

    @property
    def end(self) -> dt.date:
        """The day the figures refer to: 30 April, 31 August or 31 December (a plan: 1 January)."""
        if self.step == 0:
            return dt.date(self.year, 1, 1)
        month, day = _STEP_END[self.step]
        return dt.date(self.year, month, day)

    def following(self, kind: PeriodKind | None = None) -> Period:
        """The next period on the line; after the year's end, the next year's tertial 1.

        `kind` picks another kind for the next report (e.g. straight from tertial 1 to the annual report)."""
        if kind is not None:
            step = _STEP_OF_KIND[kind]
            year = self.year if step > self.step else self.year + 1
            return Period(year, step, kind)
        if self.step >= 3:
            return Period(self.year + 1, 1, PeriodKind.TERTIAL)
        return Period(self.year, self.step + 1, _KIND_OF_STEP[self.step + 1])

    def carried_from(self) -> tuple[Period, ...]:
        """The earlier periods whose text a report of this period may have carried: back to the last year's end.

        A plan carries nothing; a tertial 2 may still say what tertial 1 or last year's
        verksamhetsberättelse said."""
        if self.step == 0:
            return ()
        steps = [Period(self.year - 1, 3, PeriodKind.ANNUAL)]
        steps += [Period(self.year, step, _KIND_OF_STEP[step]) for step in range(1, self.step)]
        return tuple(steps)


def period_at(year: int, step: int) -> Period:
    """The period at `step` of `year` on the line: 0 the plan, 1 tertial 1, 2 tertial 2, 3 the year's end."""
    return Period(year, step, _KIND_OF_STEP[step])


def step_of(kind: PeriodKind) -> int:
    """Where a report of `kind` stands on the line of a year (a tertial report: at tertial 1)."""
    return _STEP_OF_KIND[kind]


def period_of(kind: PeriodKind, year: int, label: str = "") -> Period:
    """The period of a report: from its kind and year, with a tertial's number from a label such as 'Tertial 2 2020'."""
    step = _STEP_OF_KIND[kind]
    match = _TERTIAL_NUMBER.match(label.strip())
    if match and kind in (PeriodKind.TERTIAL, PeriodKind.INTERIM) and int(match["year"]) == year:
        step = int(match["n"])
    return Period(year, step, kind)


_YEAR_ONLY = re.compile(r"(?:19|20|21)\d\d")


def outcome_comes_later(indicator_period: str | None, kind: PeriodKind) -> bool:
    """True for an indicator measured once a year ('period: 2020') in a report before the year's end:
    its outcome comes in the verksamhetsberättelse."""
    return kind in (PeriodKind.TERTIAL, PeriodKind.INTERIM) and indicator_period is not None and \
        _YEAR_ONLY.fullmatch(indicator_period.strip()) is not None
