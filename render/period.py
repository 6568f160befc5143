"""Who writes and when: the writer kind and the period kind, and what each decides.

A report's period kind (tertialrapport, delårsrapport, verksamhetsberättelse,
verksamhetsplan) decides the tense of its assessments and the default columns of
its indicator and financial tables; its writer kind (facknämnd, stadsdelsnämnd,
bolag) decides words such as "Nämndmål" or "Bolagets mål". No I/O, no labels.
"""

from __future__ import annotations

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
