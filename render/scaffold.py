"""`tul init`: a project folder an author owns, with a report skeleton or a copy of an example.

The files are made in memory first (`project_files`) and written only when none of
them is there yet (`create_project`), so init never overwrites anything; should a
write fail half-way, what it had written is removed again. The skeleton is a blank
report of a chosen kind (writer x period kind) that validates and builds at once:
every text an author must write is a placeholder `[SKRIV: …]` (render.draft) and
every value to fill in is a key left empty, so `tul status` lists them all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from render.draft import placeholder
from render.errors import BuildError, UsageProblem
from render.labels import period_name, period_title
from render.model import Assessment
from render.output import write_atomic
from render.period import Period, PeriodKind, Writer, default_table_columns, expected_tense, step_of
from render.project import CONTENT, MARKER, default_content_dir
from render.schema import SCHEMA_KINDS, schema_text

LOCALE = "sv"  # skeletons are written in Swedish, the official language of the documents
STEP_TOKEN = {0: "vp", 1: "t1", 2: "t2", 3: "vb"}

MARKER_TEXT = """\
# This folder is a tul project: tul finds it from here and from every folder below it.
#   content/    your reports, one folder each (report.yaml and the files it names)
#   templates/  optional: your own templates, searched before tul's (e.g. report.html
#               with {% extends "default/report.html" %} to change one block)
#   styles/     optional: your own report.css, used instead of tul's
#   build/      what tul build writes (kept out of git by .gitignore)
# tul reads no settings from this file yet: keep only comments here.
"""

GITIGNORE = "# What tul build and tul export write: made again from content/ at any time.\nbuild/\n"


def readme(slug: str) -> str:
    """The author's README: what to edit and the commands."""
    return f"""\
# Our follow-up reports

Made with [tul](https://pypi.org/project/tul/): YAML and Markdown in `content/`, the official
PDF (PDF/UA-1) and HTML out in `build/`.

## What to edit

- `content/{slug}/report.yaml`: the report: who writes it, the period, the front page
  (tjänsteutlåtande), the Sammanfattande analys, and the files holding goals and economy.
- The files it names (goals, economy): one per KF:s inriktningsmål is usual.
- Replace every `[SKRIV: …]` with your text and fill in every key left empty
  (`assessment:`, `outcome:`, `deviation:`). Text is Markdown: a blank line starts a paragraph.
- Open the folder in VS Code with the YAML extension (recommended in `.vscode/`): it completes
  keys and flags mistakes as you type, from the schemas in `content/schema/`.

## Commands

| command | what it does |
|---|---|
| `tul build` | checks the reports and writes `build/<report>/<report>.pdf` and `index.html` |
| `tul status` | lists what is left to write, per file and line, and the share done |
| `tul check` | checks without building; `--strict` (the default when `CI=true`) also fails on what is left to write |
| `tul preview` | shows the report in the browser and updates it on every save |
| `tul new` | starts the next period's report next to this one (T1 → T2 → verksamhetsberättelse → next T1) |

Run them anywhere in this folder; inside `content/<report>/` they work on that report only.
While a report is unfinished, `draft: true` in its report.yaml lets `tul check --strict` pass.

## Your own look

A `templates/` or `styles/` folder here is used before tul's own: `styles/report.css`
replaces the stylesheet; `templates/report.html` may `{{% extends "default/report.html" %}}`
and change one block. Colours and a logo need no files: `theme:` in report.yaml.
"""


def editor_settings() -> dict[str, str]:
    """VS Code settings: the schemas for the YAML extension, and spaces (YAML allows no tabs)."""
    settings = {
        "yaml.schemas": {f"./{CONTENT}/schema/report.schema.json": f"{CONTENT}/*/report.yaml"},
        "files.encoding": "utf8",
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2, "editor.detectIndentation": False},
    }
    extensions = {"recommendations": ["redhat.vscode-yaml"]}
    return {".vscode/settings.json": json.dumps(settings, indent=2, ensure_ascii=False) + "\n",
            ".vscode/extensions.json": json.dumps(extensions, indent=2) + "\n"}


def skeleton_slug(kind: PeriodKind, year: int) -> str:
    """The skeleton's folder name: 'rapport-t1-2026'."""
    return f"rapport-{STEP_TOKEN[step_of(kind)]}-{year}"


def _q(what: str) -> str:
    """A placeholder as a quoted YAML value."""
    return json.dumps(placeholder(LOCALE, what), ensure_ascii=False)


def skeleton(kind: PeriodKind, writer: Writer, year: int) -> dict[str, str]:
    """A blank report of `kind` by `writer` for `year`: file name -> YAML text."""
    period = Period(year, step_of(kind), kind)
    as_of = period.end
    date = dt.date(year - 1, 11, 15) if kind == PeriodKind.PLAN else as_of + dt.timedelta(days=15)
    company = writer == Writer.COMPANY
    board_word = "styrelsen" if company else "nämnden"
    label, title = period_name(LOCALE, period.step, year), period_title(LOCALE, period.step, year)
    report = f"""\
# yaml-language-server: $schema=../schema/report.schema.json
# Your report. Replace every [SKRIV: …] with your own text and fill in every key left empty;
# 'tul status' lists what is left. While it is unfinished, 'draft: true' lets 'tul check --strict' pass.
organisation: {_q("organisationens namn, t.ex. Exempelstad")}
web_address: {_q("webbadress, t.ex. exempelstad.se")}
administration: {_q("förvaltningens namn" if not company else "bolagets namn, t.ex. Exempelbostäder AB")}
board: {_q("nämndens namn" if not company else "styrelsens namn, t.ex. Styrelsen för Exempelbostäder AB")}
writer: {writer.value}  # committee (facknämnd), district_committee (stadsdelsnämnd) or company (bolag)
title: {title}
period_kind: {kind.value}  # tertial (T1), interim (T2 med delårsbokslut), annual (verksamhetsberättelse) or plan
period: {label}
year: {year}
as_of: {as_of.isoformat()}  # the day the figures refer to
# draft: true

front_page:
  department: {_q("avdelning")}
  reference: {_q("diarienummer")}
  date: {date.isoformat()}
  officer:
    name: {_q("handläggarens namn")}
    phone: {_q("telefon")}
  to: {_q("mottagande " + board_word[:-2])}
  proposals:
    - {_q(f"förslag till beslut, t.ex. {board_word.capitalize()} godkänner {title[0].lower() + title[1:]}.")}
  signatures:
    - name: {_q("namn")}
      title: {_q("titel")}
  summary: |
    {placeholder(LOCALE, "sammanfattning av rapporten")}

summary: |
  {placeholder(LOCALE, "sammanfattande analys: hur " + board_word + " bidrar till målen, och ekonomin i korthet")}

# One file per KF:s inriktningsmål, in order; tul numbers the goals (1, 1.1, 1.1.1).
goals:
  - mal-1.yaml
economy: ekonomi.yaml
sections:
  - title: Medarbetare
    text: |
      {placeholder(LOCALE, "sjukfrånvaro, personalomsättning och arbetsmiljö")}
"""
    return {"report.yaml": report, "mal-1.yaml": _goal_file(kind, writer, period),
            "ekonomi.yaml": _economy_file(kind, writer)}


def _goal_file(kind: PeriodKind, writer: Writer, period: Period) -> str:
    tense = expected_tense(kind)
    plan = tense is None
    values = " | ".join(a.value for a in Assessment if a.tense == tense) if tense else ""
    label = period_name(LOCALE, period.step, period.year)
    year = period.year
    board_goal = "bolagets mål" if writer == Writer.COMPANY else "nämndmål"

    def assessed(indent: str) -> str:
        if plan:
            return ""
        return (f"{indent}assessment:  # {values}\n"
                f"{indent}analysis: |\n{indent}  {placeholder(LOCALE, 'analys av måluppfyllelsen')}\n")

    outcome = "" if plan else "        outcome:  # utfall " + label + ", e.g. 12 st or 85 %\n"
    forecast = "        forecast:  # prognos helår\n" if kind in (PeriodKind.TERTIAL, PeriodKind.INTERIM) else ""
    deviation = "" if plan else "        deviation:  # false if the activity follows the plan, true if it deviates\n"
    return f"""\
# yaml-language-server: $schema=../schema/goal.schema.json
# KF:s inriktningsmål with its KF-mål for the area and {board_goal}. Copy a goal to add one.
title: {_q("KF:s inriktningsmål")}
area_goals:
  - title: {_q("KF:s mål för verksamhetsområdet")}
{assessed("    ")}    indicators:
      - name: {_q("indikatorns namn")}
        council_indicator: true  # KF:s indikator
{outcome}{forecast}        target: {_q("årsmål, t.ex. 90 %")}
        period: {label}
    activities:
      - text: {_q("aktivitet")}
        start: {year}-01-01
        end: {year}-12-31
{deviation}    board_goals:
      - title: {_q(board_goal)}
{assessed("        ")}        expected_result: |
          {placeholder(LOCALE, "förväntat resultat")}
"""


def _economy_file(kind: PeriodKind, writer: Writer) -> str:
    entered = [key for key, difference in default_table_columns(kind) if difference is None]
    if writer == Writer.COMPANY:  # a result statement compares with the budget, without last year's column
        entered = [key for key in entered if not key.startswith("previous_")] or ["budget"]
    zeros = "{" + ", ".join(f"{key}: 0.0" for key in entered) + "}"
    if writer == Writer.COMPANY:
        compared = {PeriodKind.PLAN: None, PeriodKind.ANNUAL: "outcome"}.get(kind, "forecast")
        columns = "".join(f"\n        - {{key: {key}}}" for key in entered)
        if compared:
            columns += f"\n        - {{key: deviation, difference: [{compared}, budget]}}"
        return f"""\
# yaml-language-server: $schema=../schema/economy.schema.json
# Figures in mnkr; intäkter positive and kostnader negative in a result statement.
sections:
  - title: Resultaträkning
    text: |
      {placeholder(LOCALE, "kommentar till resultatet")}
    tables:
      - kind: result_statement
        plus_sign: true
        columns:{columns}
        rows:
          - name: Intäkter
            net: {zeros}
          - name: Kostnader
            net: {zeros}
          - name: Finansiella poster
            net: {zeros}
          - sum: Resultat efter finansiella poster
"""
    if writer == Writer.DISTRICT:
        areas = ["Förskola", "Äldreomsorg", "Individ- och familjeomsorg",
                 "Stöd och service till personer med funktionsnedsättning", "Ekonomiskt bistånd", "Stadsmiljö",
                 "Kultur och fritid", "Nämnd- och förvaltningsövergripande verksamhet"]
        stub = "Verksamhetsområde"
    else:
        areas = [placeholder(LOCALE, "verksamhet"), placeholder(LOCALE, "verksamhet")]
        stub = "Verksamhet"
    rows = "".join(f"\n          - name: {json.dumps(area, ensure_ascii=False)}\n            net: {zeros}" for area in areas)
    return f"""\
# yaml-language-server: $schema=../schema/economy.schema.json
# Figures in mnkr, net (kostnader minus intäkter) per row; add rows as you need them.
sections:
  - title: Driftbudget
    text: |
      {placeholder(LOCALE, "kommentar till prognosen och avvikelserna")}
    tables:
      - kind: operating
        stub: {stub}
        lines: [net]
        plus_sign: true
        rows:{rows}
          - sum: true
"""


def example_files(name: str) -> dict[str, bytes]:
    """The files of the shipped example `name` (relative name -> bytes); a usage error for another name."""
    shipped = default_content_dir()
    known = sorted(p.name for p in shipped.iterdir() if (p / "report.yaml").is_file())
    if name not in known:
        raise UsageProblem(f"--example '{name}': no such example, expected one of: {', '.join(known)}")
    folder = shipped / name
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and "__pycache__" not in path.parts}


def project_files(slug: str, report: dict[str, bytes]) -> dict[str, bytes]:
    """Every file of a new project holding `report` as content/<slug>/: name -> bytes."""
    files: dict[str, bytes] = {MARKER: MARKER_TEXT.encode(), ".gitignore": GITIGNORE.encode(),
                               "README.md": readme(slug).encode()}
    files.update({name: text.encode() for name, text in editor_settings().items()})
    files.update({f"{CONTENT}/schema/{kind}.schema.json": schema_text(kind).encode() for kind in SCHEMA_KINDS})
    files.update({f"{CONTENT}/{slug}/{name}": data for name, data in report.items()})
    return files


def create_project(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` under `folder`, which must not hold any of them yet; all of them, or none."""
    if (folder / MARKER).exists():
        raise UsageProblem(f"{folder} is a tul project already ({MARKER}), expected a new folder: tul init never "
                           "overwrites (tul new adds a report to this project)")
    taken = sorted({top for top in (MARKER, CONTENT) if os.path.lexists(folder / top)}
                   | {name for name in files if not name.startswith(CONTENT + "/") and os.path.lexists(folder / name)})
    if taken:
        raise UsageProblem(f"{folder} already holds {', '.join(taken)}, expected a folder without a tul project: "
                           "tul init never overwrites (choose another folder, e.g. tul init my-reports)")
    made: list[Path] = []  # what this call created, removed again should a write fail
    try:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for path in reversed(missing):
            path.mkdir()
            made.append(path)
        for name in sorted(files):
            target = folder / name
            for parent in reversed(target.relative_to(folder).parents[:-1]):
                if not (folder / parent).exists():
                    (folder / parent).mkdir()
                    made.append(folder / parent)
            write_atomic(target, files[name], root=folder)
            made.append(target)
    except (OSError, BuildError) as exc:
        for path in reversed(made):
            try:
                path.rmdir() if path.is_dir() else path.unlink()
            except OSError:
                pass
        if isinstance(exc, BuildError):
            raise
        raise BuildError(f"{folder}: error: cannot create the project here ({exc.strerror}), "
                         "expected a folder you may write to") from None
