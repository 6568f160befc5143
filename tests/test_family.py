"""The report family: a stadsdelsnämnd T2, a facknämnd VB, a bolag and an English edition.

Each shipped example is built strictly, exported and looked at as pages; the
family's rules (derived counts, tense, columns per period kind, tables in prose,
editions without Swedish labels) are checked on reports the default is not.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from render.build import BuildOptions, build_report, default_content_dir, validate_report
from render.cli import main
from render.errors import ContentError
from render.export import export_tables
from render.labels import EN, SV

EXAMPLES = ["sdn-norr-t2-2021", "idrott-vb-2020", "bostader-t1-2021", "miljo-en-2020"]
MM = 72 / 25.4


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example built strictly, once."""
    out = tmp_path_factory.mktemp("family")
    for slug in EXAMPLES:
        result = build_report(default_content_dir() / slug, BuildOptions(out_dir=out, strict=True))
        assert result.warnings == [], result.warnings
    return out


def _pages(built: Path, slug: str) -> list[str]:
    reader = PdfReader(built / slug / f"{slug}.pdf")
    return [page.extract_text().replace("\u00a0", " ") for page in reader.pages]


def _copy(tmp_path: Path, slug: str) -> Path:
    target = tmp_path / "content" / slug
    shutil.copytree(default_content_dir() / slug, target)
    return target


def _edited(tmp_path: Path, slug: str, old: str, new: str, file: str = "report.yaml") -> tuple[Path, str]:
    """A copy of example `slug` with `old` replaced by `new` in `file`; the folder and the new text."""
    folder = _copy(tmp_path, slug)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return folder, text


@pytest.mark.parametrize("slug", EXAMPLES)
def test_example_pages_are_numbered_and_inside_the_margins(built: Path, slug: str, tmp_path: Path) -> None:
    pages = _pages(built, slug)
    word = "Page" if slug.endswith("-en-2020") else ("Sida" if slug == "idrott-vb-2020" else "Sid")
    for number, text in enumerate(pages, 1):
        assert f"{word} {number} ({len(pages)})" in text
    # Looked at as pages: every page has ink, and nothing is drawn in the right margin.
    subprocess.run(["pdftoppm", "-gray", "-r", "36", str(built / slug / f"{slug}.pdf"), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.pgm"))
    assert len(images) == len(pages)
    for image_path in images:
        image = Image.open(image_path)
        width, height = image.size
        right_margin = int(width * (1 - 12 * MM / 595.28))
        body = image.crop((0, int(height * 0.12), width, int(height * 0.9)))
        assert body.getextrema()[0] < 128, f"{image_path.name}: a blank page"
        margin = image.crop((right_margin, 0, width, height))
        assert margin.getextrema()[0] > 200, f"{image_path.name}: ink in the right margin (text overflows)"


@pytest.mark.parametrize("slug", EXAMPLES)
def test_example_passes_strict_check_and_exports(slug: str, tmp_path: Path) -> None:
    content = str(default_content_dir())
    assert CliRunner().invoke(main, ["check", slug, "--content", content, "--strict"]).exit_code == 0
    result = CliRunner().invoke(main, ["export", slug, "--content", content, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert any((tmp_path / slug).glob("*.csv"))


def test_counts_are_derived_per_level_and_value(built: Path, tmp_path: Path) -> None:
    text = "\n".join(_pages(built, "sdn-norr-t2-2021"))
    assert "1 av 2 inriktningsmål uppfylls helt, 1 delvis" in text
    assert "2 av 4 KF:s mål för verksamhetsområdet uppfylls helt, 1 inte, 1 bedöms inte" in text
    assert "2 av 5 nämndmål uppfylls helt, 2 delvis, 1 inte" in text
    # Changing one assessment changes the count: nobody types it.
    folder, _ = _edited(tmp_path, "sdn-norr-t2-2021", "title: Äldre har en trygg och meningsfull vardag\n    assessment: uppfylls_inte",
                        "title: Äldre har en trygg och meningsfull vardag\n    assessment: uppfylls_helt", "mal-1-en-stad-for-alla.yaml")
    derived, _ = validate_report(folder)
    assert derived.counts[1].text == "3 av 4 KF:s mål för verksamhetsområdet uppfylls helt, 1 bedöms inte"


def test_annual_counts_are_in_the_past_tense(built: Path) -> None:
    text = "\n".join(_pages(built, "idrott-vb-2020"))
    assert "0 av 2 KF:s mål för verksamhetsområdet uppfylldes helt, 1 delvis, 1 inte" in text
    assert "Uppfylldes delvis" in text and "Uppfylls" not in text


def test_a_mixed_tense_is_a_located_warning(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "sdn-norr-t2-2021")
    goals = folder / "mal-2-en-hallbar-stad.yaml"
    lines = goals.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "assessment: uppfylls_helt" in line and line.startswith("    "))
    lines[index] = lines[index].replace("uppfylls_helt", "uppfylldes_helt")
    goals.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(folder.parent), "--strict"])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first == (f"{goals.relative_to(Path.cwd()) if goals.is_relative_to(Path.cwd()) else goals}:{index + 1}:17: error: "
                     "'uppfylldes_helt' mixes tenses: this interim report assesses in the present ('uppfylls') tense, "
                     "expected 'uppfylls_helt'")


def test_a_period_kind_that_disagrees_with_every_assessment_is_one_warning(tmp_path: Path) -> None:
    folder, text = _edited(tmp_path, "idrott-vb-2020", "uppfylldes_", "uppfylls_")
    _, problems = validate_report(folder)
    assert [(p.line, p.col) for p in problems] == [(text.splitlines().index("period_kind: annual") + 1, 14)]
    assert problems[0].message == (
        "period_kind is annual, whose assessments are in the past ('uppfylldes') tense, but every assessment is in "
        "the other tense; set period_kind to the report's kind or write e.g. 'uppfylldes_delvis'")


def test_an_annual_export_names_its_columns_for_what_they_hold(tmp_path: Path) -> None:
    derived, _ = validate_report(default_content_dir() / "idrott-vb-2020")
    files = export_tables(derived)
    rows = list(csv.reader(io.StringIO(files["indikatorer.csv"].decode("utf-8-sig")), delimiter=";"))
    assert rows[0][4:12] == ["Utfall", "Utfall kvinnor/ flickor", "Utfall män/ pojkar", "Utfall 2018", "Utfall 2019",
                             "Årsmål", "KF:s årsmål", "Period"]
    assert not any("Prognos" in cell for cell in rows[0])
    girls = dict(zip(rows[0], next(r for r in rows if r[2] == "Andel flickor bland deltagarna"), strict=True))
    assert (girls["Utfall"], girls["Utfall 2018"], girls["Utfall 2019"]) == ("40,6", "38,9", "39,4")
    budget = files["driftbudget.csv"].decode("utf-8-sig").splitlines()
    assert budget[0] == "Grupp;Verksamhet;Budget 2020;Utfall 2020;Avvikelse;Utfall 2019"
    assert "Summa drift;Summa netto;519,9;508,8;11,1;489,0" in budget


def test_a_forecast_in_an_annual_report_is_not_silently_dropped(tmp_path: Path) -> None:
    folder, text = _edited(tmp_path, "idrott-vb-2020", "            outcome: 0 st\n",
                           "            outcome: 0 st\n            forecast: 1 st\n")
    _, problems = validate_report(folder)
    line = text.splitlines().index("            forecast: 1 st") + 1
    assert [(p.line, p.severity) for p in problems] == [(line, "warning")]
    assert "'forecast' is not a column of this table (an annual report has no forecast)" in problems[0].message


def test_pipe_tables_render_as_tables_in_html_and_pdf(built: Path) -> None:
    html = (built / "sdn-norr-t2-2021" / "index.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="prose-table">.*?</table>', html, flags=re.S)
    assert len(tables) == 2
    assert '<th scope="col">Verksamhet</th>' in tables[0]
    assert '<th scope="row">Äldreomsorg</th>' in tables[0]
    assert '<td style="text-align:right" class="num">8,9 %</td>' in tables[0]
    text = "\n".join(_pages(built, "sdn-norr-t2-2021"))
    assert "|" not in text
    assert "Äldreomsorg 9,4 % 6,2 % 8,9 % 10,3 %" in text


def test_a_table_markdown_cannot_read_is_a_located_warning(tmp_path: Path) -> None:
    folder, text = _edited(tmp_path, "sdn-norr-t2-2021", "      |---|--:|--:|--:|--:|\n", "")
    _, problems = validate_report(folder)
    line = text.splitlines().index("      | Verksamhet | Kvinnor | Män | Totalt | T2 2020 |") + 1
    assert [(p.line, p.col, p.severity) for p in problems] == [(line, 7, "warning")]
    assert "looks like a table but Markdown cannot read it" in problems[0].message


def test_missing_outcome_shows_its_reason(built: Path) -> None:
    text = " ".join("\n".join(_pages(built, "sdn-norr-t2-2021")).split())
    assert "Redovisas i VB" in text and "Utfall saknas" in text


def test_company_words_and_result_statement(built: Path) -> None:
    text = "\n".join(_pages(built, "bostader-t1-2021"))
    for words in ("Bolagets förslag till beslut", "Bolagets synpunkter och förslag", "Bolagets mål",
                  "1 av 2 bolagsmål uppfylls helt, 1 delvis",
                  "Resultat efter finansiella poster 38,0 16,2 48,5 +10,5"):
        assert words in text
    assert "Nämndmål" not in text


def _swedish_words() -> set[str]:
    """Words of the Swedish labels that no English label uses."""
    english = {w.lower() for text in EN.values() for w in re.findall(r"\w+", text)}
    words = set()
    for key, text in SV.items():
        if SV[key] != EN[key]:
            for word in re.findall(r"[^\W\d_]{4,}", re.sub(r"\{\w+\}", "", text)):
                if word.lower() not in english:
                    words.add(word.lower())
    return words


def test_an_english_edition_has_no_swedish_label(built: Path, tmp_path: Path) -> None:
    swedish = _swedish_words()
    assert {"uppfylls", "uppfylldes", "nämndmål", "driftbudget", "prognos", "summa"} <= swedish
    slug = "miljo-en-2020"
    pdf_words = {w.lower() for w in re.findall(r"[^\W\d_]+", "\n".join(_pages(built, slug)))}
    html = (built / slug / "index.html").read_text(encoding="utf-8")
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    # What a reader sees or hears: text, and the words of title, alt and aria-label attributes.
    spoken = re.findall(r'(?:title|alt|aria-label|content)="([^"]*)"', html) + re.findall(r">([^<]+)<", html)
    html_words = {w.lower() for text in spoken for w in re.findall(r"[^\W\d_]+", text)}
    derived, _ = validate_report(default_content_dir() / slug)
    export_words = {w.lower() for data in export_tables(derived).values()
                    for w in re.findall(r"[^\W\d_]+", data.decode("utf-8-sig"))}
    export_names = {w.lower() for name in export_tables(derived) for w in re.findall(r"[^\W\d_]+", name)}
    for where, words in (("PDF", pdf_words), ("HTML", html_words), ("export", export_words | export_names)):
        assert not words & swedish, (where, sorted(words & swedish))


def test_label_placeholders_are_named_and_checked(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "miljo-en-2020")
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8")
    first = len(text.splitlines()) + 2
    report.write_text(text + "labels:\n  proposals_heading: '{forvaltning.__class__.__mro__}'\n"
                      "  count_lead: '{x} of {total}'\n  pages: Sida\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        validate_report(folder)
    messages = [(p.line, p.message) for p in caught.value.problems]
    assert messages == [
        (first, "labels.proposals_heading: '{forvaltning.__class__.__mro__}' is not a placeholder: write a name such as "
             "{unit}, or {{ and }} for a brace"),
        (first + 1, "labels.count_lead: unknown placeholder '{x}', expected only: {n}, {total}, {what}, {assessment}"),
        (first + 2, "unknown label 'pages', did you mean 'page'?"),
    ]


def test_a_plan_has_targets_and_no_assessments(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "miljo-en-2020")
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8").replace("period_kind: annual", "period_kind: plan")
    text = text.replace("        assessment: uppfylldes_helt\n", "").replace("            assessment: uppfylldes_delvis\n", "")
    text = text.replace("            outcome: 100 %\n", "").replace("                outcome: 81 %\n", "")
    text = re.sub(r"              net: \{budget: ([\d.]+), outcome: [\d.]+, previous_outcome: ([\d.]+)\}",
                  r"              net: {budget: \1, previous_budget: \2}", text)
    report.write_text(text, encoding="utf-8")
    derived, problems = validate_report(folder, strict=True)
    assert problems == [] and derived.counts == []
    table = derived.indicator_table(derived.report.assessed_goals()[0])
    assert table is not None
    assert [c.label for c in table.columns] == ["Outcome previous year", "Annual target", "Council's annual target", "Period"]
    assert [c.label for c in derived.tables[0].columns] == ["Budget 2020", "Budget 2019"]


def test_markdown_tables_are_tagged_tables(built: Path) -> None:
    """Every HTML table, Markdown ones included, is one Table in the PDF's structure tree, with every TH."""
    import pikepdf

    html = (built / "sdn-norr-t2-2021" / "index.html").read_text(encoding="utf-8")
    with pikepdf.open(built / "sdn-norr-t2-2021" / "sdn-norr-t2-2021.pdf") as pdf:
        tags: list[str] = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    tags.append(str(kid.S))
                    stack.append(kid)
    assert tags.count("/Table") == html.count("<table")
    assert tags.count("/TH") == html.count("<th ")
