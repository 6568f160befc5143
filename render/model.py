"""The typed report model (rapportmodell): what a report says, validated; no I/O.

YAML keys map 1:1 to these fields. Unknown keys are errors. Goal numbers
(1, 1.2, 1.2.1) are derived here, never typed by an author.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from render.budget import BudgetTable
from render.labels import LOCALES
from render.values import CellValue

Markdown = Annotated[str, Field(description="Markdown text (raw HTML is not allowed).")]
NonEmpty = Annotated[str, Field(min_length=1)]


# Which fields hold Markdown, so checks and renderers treat them as such.
MARKDOWN_FIELDS = frozenset(
    {
        ("Indicator", "analysis"),
        ("Activity", "analysis"),
        ("BoardGoal", "analysis"),
        ("BoardGoal", "expected_result"),
        ("AreaGoal", "analysis"),
        ("DirectionGoal", "summary"),
        ("Section", "text"),
        ("FrontPage", "proposals"),
        ("FrontPage", "summary"),
        ("FrontPage", "background"),
        ("Report", "summary"),
    }
)


class Strict(BaseModel):
    """Base of every content model: unknown keys are errors, strings are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


class Assessment(StrEnum):
    """Bedömning av måluppfyllelse."""

    FULLY = "uppfylls_helt"
    PARTLY = "uppfylls_delvis"
    NOT_MET = "uppfylls_inte"
    NOT_ASSESSED = "bedoms_inte"
    FULLY_PAST = "uppfylldes_helt"
    PARTLY_PAST = "uppfylldes_delvis"
    NOT_MET_PAST = "uppfylldes_inte"

    @property
    def level(self) -> str:
        """The level without tense: 'fully', 'partly', 'not_met' or 'not_assessed'."""
        return {
            "uppfylls_helt": "fully",
            "uppfylldes_helt": "fully",
            "uppfylls_delvis": "partly",
            "uppfylldes_delvis": "partly",
            "uppfylls_inte": "not_met",
            "uppfylldes_inte": "not_met",
            "bedoms_inte": "not_assessed",
        }[self.value]


class Indicator(Strict):
    """Indikator (nyckeltal) with the period's outcome, forecast and targets."""

    name: NonEmpty
    kf_indicator: bool = Field(False, description="KF:s indikator (marked in the table).")
    outcome: CellValue = Field(None, description="Periodens utfall.")
    outcome_men: CellValue = Field(None, description="Utfall män/pojkar.")
    outcome_women: CellValue = Field(None, description="Utfall kvinnor/flickor.")
    comparison: CellValue = Field(None, description="Periodens utfall in the comparison period (VB 2019).")
    forecast: CellValue = Field(None, description="Prognos helår.")
    target: CellValue = Field(None, description="Årsmål.")
    kf_target: CellValue = Field(None, description="KF:s årsmål.")
    period: NonEmpty = Field(description="Period, e.g. 'Tertial 1 2020' or '2020'.")
    analysis: Markdown | None = Field(None, description="Analys shown under the row.")


class Activity(Strict):
    """Aktivitet with its dates and Avvikelse flag."""

    text: NonEmpty
    start: dt.date = Field(description="Startdatum (YYYY-MM-DD).")
    end: dt.date = Field(description="Slutdatum (YYYY-MM-DD).")
    deviation: bool = Field(False, description="Avvikelse: the activity deviates from plan.")
    analysis: Markdown | None = Field(None, description="Analys shown under the row.")

    @model_validator(mode="after")
    def _start_before_end(self) -> Activity:
        if self.start > self.end:
            raise ValueError(
                f"start date {self.start.isoformat()} is after end date {self.end.isoformat()}, "
                "expected start <= end"
            )
        return self


class _Numbered(Strict):
    """A goal with a generated number and a stable anchor."""

    id: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*$", description="Optional stable id for links.")
    title: NonEmpty
    _number: str = PrivateAttr("")

    @property
    def number(self) -> str:
        """The generated goal number, e.g. '1.2.1'."""
        return self._number

    @property
    def anchor(self) -> str:
        """A stable HTML id for this goal."""
        return self.id or "mal-" + self._number.replace(".", "-")


class _Goal(_Numbered):
    """Fields shared by every assessed goal."""

    assessment: Assessment | None = Field(None, description="Bedömning; empty while not yet assessed.")
    analysis: Markdown | None = Field(None, description="Analys.")
    indicators: list[Indicator] = []
    activities: list[Activity] = []


class BoardGoal(_Goal):
    """Nämndmål."""

    expected_result: Markdown | None = Field(None, description="Förväntat resultat.")


class AreaGoal(_Goal):
    """KF:s mål för verksamhetsområdet."""

    board_goals: list[BoardGoal] = []


class DirectionGoal(_Numbered):
    """KF:s inriktningsmål, with its part of the Sammanfattande analys."""

    summary: Markdown | None = Field(None, description="This goal's part of the Sammanfattande analys.")
    area_goals: list[AreaGoal] = []


class Section(Strict):
    """A prose section (avsnitt) with optional sub-sections."""

    title: NonEmpty
    text: Markdown | None = None
    sections: list[Section] = []
    budget_table: bool = Field(False, description="Place the budget table after this section's text.")
    budget_chart: bool = Field(False, description="Place the budget chart after the budget table.")


class Economy(Strict):
    """Uppföljning av ekonomi: the budget table and the economy sections."""

    budget: BudgetTable
    sections: list[Section]


class Person(Strict):
    """A named person on the front page (handläggare, signatory)."""

    name: NonEmpty
    title: str | None = None
    phone: str | None = None


class FrontPage(Strict):
    """The tjänsteutlåtande's first page."""

    avdelning: NonEmpty
    dnr: NonEmpty = Field(description="Diarienummer, e.g. 'KS 2020/0000'.")
    date: dt.date
    handlaggare: Person
    to: NonEmpty = Field(description="The receiving nämnd, e.g. 'Kommunstyrelsen'.")
    proposals_heading: str | None = Field(None, description="Defaults to '<Förvaltningens> förslag till beslut'.")
    proposals: list[Markdown] = Field(min_length=1, description="Förslag till beslut, numbered.")
    signatures: list[Person] = Field(min_length=1)
    summary: Markdown = Field(description="Sammanfattning.")
    background: Markdown = Field(description="Bakgrund.")


class Theme(Strict):
    """Branding: colours, logo and font, as CSS custom properties."""

    primary_colour: str = Field("#0a3a6b", pattern=r"^#[0-9a-fA-F]{6}$")
    accent_colour: str = Field("#d8e6f2", pattern=r"^#[0-9a-fA-F]{6}$")
    logo: str | None = Field(None, pattern=r"^[^/\\]+\.svg$",
                             description="File name of an SVG logo in the report folder, e.g. 'logo.svg'.")
    font: str = Field("Open Sans", min_length=1, pattern=r"^[A-Za-z0-9 _-]+$",
                      description="Font family; a font other than the vendored Open Sans needs an @font-face in --styles.")


class Report(Strict):
    """A follow-up report (tertialrapport, verksamhetsberättelse) of one nämnd."""

    organisation: NonEmpty = Field(description="E.g. 'Stockholms stad'.")
    web_address: NonEmpty = Field(description="Shown in the page header, e.g. 'start.stockholm'.")
    address: str | None = None
    switchboard: str | None = Field(None, description="Växel telephone number.")
    forvaltning: NonEmpty = Field(description="Förvaltning, e.g. 'Stadsledningskontoret'.")
    board: NonEmpty = Field(description="Nämnd, e.g. 'Kommunstyrelsen'.")
    document_kind: NonEmpty = "Tjänsteutlåtande"
    title: NonEmpty
    period: NonEmpty = Field(description="E.g. 'Tertial 1 2020'.")
    year: int = Field(ge=1900, le=2200)
    comparison_label: NonEmpty = Field(description="The comparison period, e.g. 'VB 2019'.")
    as_of: dt.date = Field(description="The date the figures refer to.")
    locale: Literal["sv", "en"] = Field("sv", description="Language of the document labels.")
    labels: dict[str, str] = Field({}, description="Override single labels, e.g. {page: Sida}.")
    theme: Theme = Field(default_factory=lambda: Theme())
    front_page: FrontPage | None = None
    table_of_contents: bool = Field(False, description="Print an Innehåll with page numbers after the front page.")
    summary: Markdown = Field(description="Sammanfattande analys: the opening text.")
    goals: list[DirectionGoal] = Field(min_length=1)
    economy: Economy
    sections: list[Section] = []

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(LOCALES["sv"]))
        if unknown:
            raise ValueError(f"unknown label '{unknown[0]}', expected one of: {', '.join(LOCALES['sv'])}")
        return value

    @model_validator(mode="after")
    def _number_goals(self) -> Report:
        for i, direction in enumerate(self.goals, 1):
            direction._number = str(i)
            for j, area in enumerate(direction.area_goals, 1):
                area._number = f"{i}.{j}"
                for k, board in enumerate(area.board_goals, 1):
                    board._number = f"{i}.{j}.{k}"
        return self

    def assessed_goals(self) -> list[_Goal]:
        """Every KF-mål and nämndmål in document order."""
        out: list[_Goal] = []
        for direction in self.goals:
            for area in direction.area_goals:
                out.append(area)
                out.extend(area.board_goals)
        return out
