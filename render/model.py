"""The typed report model (rapportmodell): what a report says, validated; no I/O.

YAML keys are English snake_case and map 1:1 to these fields; unknown keys are
errors. Enumerated values that are official Swedish terms (uppfylls_helt…) stay
Swedish and are printed per locale. Goal numbers (1, 1.2, 1.2.1) are derived
here, never typed by an author; every other derived value lives in render.derive.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from render.period import PeriodKind, Tense, Writer
from render.tables import FinancialTable
from render.values import CellValue

Markdown = Annotated[str, Field(description="Markdown text (raw HTML is not allowed).")]
NonEmpty = Annotated[str, Field(min_length=1)]
Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
# A year written as a number (period: 2021) is the text '2021'.
YearOrText = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)]


# Which fields hold Markdown, so checks and renderers treat them as such.
MARKDOWN_FIELDS = frozenset(
    {
        ("Indicator", "analysis"),
        ("Activity", "analysis"),
        ("BoardGoal", "analysis"),
        ("BoardGoal", "expected_result"),
        ("AreaGoal", "analysis"),
        ("DirectionGoal", "analysis"),
        ("DirectionGoal", "summary"),
        ("Section", "text"),
        ("FrontPage", "proposals"),
        ("FrontPage", "summary"),
        ("FrontPage", "background"),
        ("FrontPage", "preparation"),
        ("FrontPage", "considerations"),
        ("Report", "summary"),
    }
)


class Strict(BaseModel):
    """Base of every content model: unknown keys are errors, strings are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


class Assessment(StrEnum):
    """Bedömning av måluppfyllelse, in the present (tertial) or past (annual) tense."""

    FULLY = "uppfylls_helt"
    PARTLY = "uppfylls_delvis"
    NOT_MET = "uppfylls_inte"
    NOT_ASSESSED = "bedoms_inte"
    FULLY_PAST = "uppfylldes_helt"
    PARTLY_PAST = "uppfylldes_delvis"
    NOT_MET_PAST = "uppfylldes_inte"
    NOT_ASSESSED_PAST = "bedomdes_inte"

    @property
    def level(self) -> str:
        """The level without tense: 'fully', 'partly', 'not_met' or 'not_assessed'."""
        return _LEVELS[self.value]

    @property
    def tense(self) -> Tense:
        """Present ('uppfylls') or past ('uppfylldes')."""
        return Tense.PAST if self.value in ("uppfylldes_helt", "uppfylldes_delvis", "uppfylldes_inte", "bedomdes_inte") else Tense.PRESENT

    def in_tense(self, tense: Tense) -> Assessment:
        """The same level in `tense`."""
        return next(a for a in Assessment if a.level == self.level and a.tense == tense)


_LEVELS = {
    "uppfylls_helt": "fully", "uppfylldes_helt": "fully",
    "uppfylls_delvis": "partly", "uppfylldes_delvis": "partly",
    "uppfylls_inte": "not_met", "uppfylldes_inte": "not_met",
    "bedoms_inte": "not_assessed", "bedomdes_inte": "not_assessed",
}
LEVELS = ("fully", "partly", "not_met", "not_assessed")


class Indicator(Strict):
    """Indikator (nyckeltal): outcomes, targets and the period; which columns show is the report's choice."""

    id: Ident | None = Field(None, description="Stable id, to match the indicator across periods and reports.")
    name: NonEmpty = Field(description="The indicator's name, e.g. 'Sjukfrånvaro'.")
    council_indicator: bool = Field(False, description="KF:s indikator (marked in the table).")
    outcome: CellValue = Field(None, description="Utfall (Periodens utfall).")
    missing_reason: str | None = Field(None, min_length=1,
                                       description="Why there is no outcome, e.g. 'Redovisas i VB', 'Utfall saknas'.")
    outcome_men: CellValue = Field(None, description="Utfall män/pojkar.")
    outcome_women: CellValue = Field(None, description="Utfall kvinnor/flickor.")
    previous: CellValue = Field(None, description="The outcome of the comparison period (same period last year, or last year).")
    earlier: dict[str, CellValue] = Field({}, description="Outcomes of earlier periods by their name, e.g. {'2018': 12, '2019': 14}.")
    forecast: CellValue = Field(None, description="Prognos helår (tertial reports).")
    target: CellValue = Field(None, description="Årsmål.")
    council_target: CellValue = Field(None, description="KF:s årsmål.")
    period: YearOrText | None = Field(None, min_length=1, description="Period or periodicity, e.g. 'Tertial 1 2020', 2020, 'Läsår'.")
    analysis: Markdown | None = Field(None, description="Analys shown under the row.")

    @model_validator(mode="after")
    def _reason_only_without_outcome(self) -> Indicator:
        if self.missing_reason is not None and self.outcome is not None:
            raise ValueError("an indicator with an outcome has no missing_reason, expected one of the two")
        return self


IndicatorColumnKey = Literal["outcome", "outcome_men", "outcome_women", "previous", "earlier", "forecast", "target",
                             "council_target", "period"]


class IndicatorColumn(Strict):
    """An indicator column with its own heading."""

    column: IndicatorColumnKey
    label: NonEmpty


IndicatorColumns = list[IndicatorColumnKey | IndicatorColumn]


class Activity(Strict):
    """Aktivitet with its dates and Avvikelse flag."""

    text: NonEmpty = Field(description="What the activity is.")
    start: dt.date = Field(description="Startdatum (YYYY-MM-DD).")
    end: dt.date = Field(description="Slutdatum (YYYY-MM-DD).")
    # Backward compatible: an absent key still means no deviation; a key left empty
    # ('deviation:', as tul new writes it) means the activity is not yet followed up.
    deviation: bool | None = Field(
        False, description="Avvikelse: true if the activity deviates from plan, false if not; empty while not yet followed up.")
    analysis: Markdown | None = Field(None, description="Analys shown under the row.")

    @model_validator(mode="after")
    def _start_before_end(self) -> Activity:
        if self.start > self.end:
            raise ValueError(
                f"start date {self.start.isoformat()} is after end date {self.end.isoformat()}, "
                "expected start <= end"
            )
        return self


class NumberedGoal(Strict):
    """A goal with a generated number, a stable anchor and an optional assessment."""

    id: Ident | None = Field(None, description="Stable id: links, and the KF goal's id across reports.")
    title: NonEmpty = Field(description="The goal's title.")
    assessment: Assessment | None = Field(None, description="Bedömning; empty while not yet assessed.")
    analysis: Markdown | None = Field(None, description="Analys.")
    _number: str = PrivateAttr("")

    @property
    def number(self) -> str:
        """The generated goal number, e.g. '1.2.1'."""
        return self._number

    @property
    def anchor(self) -> str:
        """A stable HTML id for this goal."""
        return self.id or "mal-" + self._number.replace(".", "-")


class Goal(NumberedGoal):
    """A goal with indicator and activity tables."""

    indicator_columns: IndicatorColumns | None = Field(
        None, description="This goal's indicator columns, instead of the report's.")
    indicators: list[Indicator] = []
    activities: list[Activity] = []


class BoardGoal(Goal):
    """Nämndmål (or Bolagets mål)."""

    expected_result: Markdown | None = Field(None, description="Förväntat resultat.")


class AreaGoal(Goal):
    """KF:s mål för verksamhetsområdet."""

    board_goals: list[BoardGoal] = []


class DirectionGoal(NumberedGoal):
    """KF:s inriktningsmål, with its part of the Sammanfattande analys."""

    summary: Markdown | None = Field(None, description="This goal's part of the Sammanfattande analys.")
    area_goals: list[AreaGoal] = []


class Section(Strict):
    """A prose section (avsnitt) with its financial tables and sub-sections."""

    title: NonEmpty
    text: Markdown | None = None
    tables: list[FinancialTable] = Field([], description="Financial tables shown after the text.")
    sections: list[Section] = []


class Economy(Strict):
    """Uppföljning av ekonomi: sections with their financial tables."""

    title: str | None = Field(None, min_length=1, description="Defaults to the locale's 'Uppföljning av ekonomi'.")
    sections: list[Section] = Field(min_length=1)


class Person(Strict):
    """A named person on the front page (handläggare, signatory)."""

    name: NonEmpty
    title: str | None = None
    phone: str | None = None


class FrontPage(Strict):
    """The tjänsteutlåtande's first page."""

    department: NonEmpty = Field(description="Avdelning, e.g. 'Avdelningen för ekonomi och finans'.")
    reference: NonEmpty = Field(description="Diarienummer (Dnr), e.g. 'KS 2020/0000'.")
    date: dt.date
    officer: Person = Field(description="Handläggare.")
    to: NonEmpty = Field(description="The receiving nämnd or styrelse, e.g. 'Kommunstyrelsen'.")
    proposals_heading: str | None = Field(None, description="Defaults to '<Förvaltningens> förslag till beslut'.")
    proposals: list[Markdown] = Field(min_length=1, description="Förslag till beslut, numbered.")
    signatures: list[Person] = Field(min_length=1)
    summary: Markdown = Field(description="Sammanfattning.")
    background: Markdown | None = Field(None, description="Bakgrund.")
    preparation: Markdown | None = Field(None, description="Ärendets beredning.")
    considerations: Markdown | None = Field(None, description="Förvaltningens synpunkter och förslag.")
    attachments: list[NonEmpty] = Field([], description="Bilagor, numbered: 'Tertialrapport 2 2020'.")


class Theme(Strict):
    """Branding: colours, logo and font, as CSS custom properties."""

    primary_colour: str = Field("#0a3a6b", pattern=r"^#[0-9a-fA-F]{6}$")
    accent_colour: str = Field("#d8e6f2", pattern=r"^#[0-9a-fA-F]{6}$")
    logo: str | None = Field(None, pattern=r"^[^/\\]+\.svg$",
                             description="File name of an SVG logo in the report folder, e.g. 'logo.svg'.")
    font: str = Field("Open Sans", min_length=1, pattern=r"^[A-Za-z0-9 _-]+$",
                      description="Font family; a font other than the vendored Open Sans needs an @font-face in --styles.")
    new_page_per_part: bool | None = Field(
        None, description="Start each main part on a new page; by default only when the report has a front page.")
    new_page_per_goal: bool = Field(
        False, description="Start each KF:s inriktningsmål on a new page: longer, and faster to build and to "
                           "preview (the PDF is laid out in more, smaller chunks).")


class Consolidation(Strict):
    """Sammanställning: the reports the city's consolidated follow-up is derived from.

    Every count, budget figure and indicator row of a consolidated report comes from
    the reports named here; the report's own `goals` list the city's KF goals (ids
    and titles, optionally the city's own analysis) that the reports are matched by.
    """

    reports: list[NonEmpty] = Field(
        min_length=1, description="Report folders or globs in the same content folder, e.g. 'sdn-*-t1-2021'.")
    assigned: dict[Ident, list[NonEmpty]] = Field(
        {}, description="KF goal id -> the report folders (or globs) that must report on it, as the budget assigns it.")
    lower_is_better: list[Ident] = Field(
        [], description="Ids of KF indicators where a lower outcome meets the target, e.g. sjukfranvaro.")


class Report(Strict):
    """A follow-up report (tertialrapport, verksamhetsberättelse, verksamhetsplan) of a nämnd or bolag."""

    organisation: NonEmpty = Field(description="E.g. 'Stockholms stad'.")
    web_address: NonEmpty = Field(description="Shown in the page footer, e.g. 'start.stockholm'.")
    address: str | None = None
    switchboard: str | None = Field(None, description="Växel telephone number.")
    administration: NonEmpty = Field(description="Förvaltning (or the company), e.g. 'Stadsledningskontoret'.")
    board: NonEmpty = Field(description="Nämnd or styrelse, e.g. 'Kommunstyrelsen'.")
    writer: Writer = Field(Writer.COMMITTEE, description="committee (facknämnd), district_committee or company (bolag).")
    document_kind: str | None = Field(None, min_length=1, description="Defaults to the locale's 'Tjänsteutlåtande'.")
    title: NonEmpty
    period_kind: PeriodKind = Field(description="tertial, interim (T2 med delårsbokslut), annual or plan.")
    period: NonEmpty = Field(description="E.g. 'Tertial 1 2020', 'Verksamhetsåret 2020'.")
    year: int = Field(ge=1900, le=2200)
    comparison_label: str | None = Field(None, min_length=1,
                                         description="The comparison period in headings, e.g. 'VB 2019'.")
    as_of: dt.date = Field(description="The date the figures refer to.")
    locale: Literal["sv", "en"] = Field("sv", description="Language of the document labels.")
    labels: dict[str, str] = Field({}, description="Override single labels, e.g. {page: Sida}.")
    theme: Theme = Field(default_factory=lambda: Theme())
    front_page: FrontPage | None = None
    table_of_contents: bool = Field(False, description="Print an Innehåll with page numbers after the front page.")
    draft: bool = Field(False, description="Utkast: the report is not finished, so tul check --strict accepts what is left "
                                           "to write (tul status lists it).")
    summary: Markdown | None = Field(None, description="Sammanfattande analys: the opening text.")
    indicator_columns: IndicatorColumns | None = Field(
        None, description="Indicator columns of every table; defaults by period kind.")
    goals: list[DirectionGoal] = []
    economy: Economy | None = None
    sections: list[Section] = []
    predecessors: list[Ident] = Field(
        [], description="Earlier reports of the same nämnd (folder names in this content folder), e.g. [sdn-norr-t1-2021]: "
                        "their outcomes and forecasts become earlier columns.")
    consolidates: Consolidation | None = Field(
        None, description="Makes this the city's consolidated follow-up of the reports it names.")

    @model_validator(mode="after")
    def _number_goals(self) -> Report:
        for i, direction in enumerate(self.goals, 1):
            direction._number = str(i)
            for j, area in enumerate(direction.area_goals, 1):
                area._number = f"{i}.{j}"
                for k, board in enumerate(area.board_goals, 1):
                    board._number = f"{i}.{j}.{k}"
        return self

    def goal_paths(self) -> list[tuple[tuple[str | int, ...], DirectionGoal | AreaGoal | BoardGoal]]:
        """Every goal of every level in document order, with its path in the content (for located messages)."""
        out: list[tuple[tuple[str | int, ...], DirectionGoal | AreaGoal | BoardGoal]] = []
        for d, direction in enumerate(self.goals):
            out.append((("goals", d), direction))
            for a, area in enumerate(direction.area_goals):
                out.append((("goals", d, "area_goals", a), area))
                for b, board in enumerate(area.board_goals):
                    out.append((("goals", d, "area_goals", a, "board_goals", b), board))
        return out

    def all_goals(self) -> list[NumberedGoal]:
        """Every goal of every level in document order, inriktningsmål included."""
        return [goal for _, goal in self.goal_paths()]

    def assessed_goals(self) -> list[Goal]:
        """Every KF-mål and nämndmål in document order: the goals with indicator and activity tables."""
        return [goal for goal in self.all_goals() if isinstance(goal, Goal)]
