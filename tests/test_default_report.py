"""The embedded default report, checked by content: text, pages, figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SEED
from pypdf import PdfReader
from wordorder import in_order_coverage, words

A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def pdf(built_default: Path) -> PdfReader:
    return PdfReader(built_default / "ks-t1-2020.pdf")


@pytest.fixture(scope="module")
def pdf_pages_text(pdf: PdfReader) -> list[str]:
    return [page.extract_text().replace("\u00a0", " ") for page in pdf.pages]


def _html_text(html: str) -> str:
    import html as html_lib

    body = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " ")


def test_page_count_and_a4(pdf: PdfReader) -> None:
    assert 30 <= len(pdf.pages) <= 45
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1


def test_every_page_has_running_header(pdf_pages_text: list[str]) -> None:
    total = len(pdf_pages_text)
    for number, text in enumerate(pdf_pages_text, 1):
        assert f"Sid {number} ({total})" in text, f"page {number}"
        assert "Tjänsteutlåtande" in text
        assert "start.stockholm" in text


def test_pdf_holds_the_seed_words_in_order(pdf_pages_text: list[str]) -> None:
    coverage, missing = in_order_coverage(words(SEED.read_text(encoding="utf-8")), words("\n".join(pdf_pages_text)))
    assert coverage >= 0.98, (coverage, missing[:200])


def test_html_holds_the_seed_words_in_order(built_default: Path) -> None:
    text = _html_text((built_default / "index.html").read_text(encoding="utf-8"))
    coverage, missing = in_order_coverage(words(SEED.read_text(encoding="utf-8")), words(text))
    assert coverage >= 0.98, (coverage, missing[:200])


# All 21 figure rows of the seed's budget table, exactly as printed.
BUDGET_ROWS = """\
Kostnader 714,3 226,0 714,3 0,0
Intäkter -140,8 -44,6 -103,8 -37,0
Netto 573,5 181,4 610,5 -37,0
Kostnader 0,0 18,7 20,0 -20,0
Intäkter 0,0 0,0 0,0 0,0
Netto 0,0 18,7 20,0 -20,0
Kostnader 27,0 6,9 27,0 0,0
Intäkter -4,5 -1,5 -4,5 0,0
Netto 22,5 5,4 22,5 0,0
Kostnader 784,0 173,1 784,0 0,0
Intäkter -784,0 -214,6 -784,0 0,0
Netto 0,0 -41,5 0,0 0,0
Kostnader 182,4 39,5 132,4 50,0
Intäkter 0,0 0,0 0,0 0,0
Netto 182,4 39,6 132,4 50,0
Kostnader 643,3 247,4 643,3 0,0
Intäkter 0,0 -0,3 0,0 0,0
Netto 643,3 247,1 643,3 0,0
Kostnader 0,0 0,4 0,0 0,0
Intäkter 0,0 0,0 0,0 0,0
Netto 0,0 0,4 0,0 0,0
Summa kostnader 2 351,0 712,1 2 321,0 30,0
Summa intäkter -929,3 -260,9 -892,3 -37,0
Summa netto 1 421,7 451,1 1 428,7 -7,0
Kostnader 3,3 0,0 3,3 0,0
Intäkter 0,0 0,0 0,0 0,0
Netto 3,3 0,0 3,3 0,0
Totalt netto inkl investeringar 1 425,0 451,1 1 432,0 -7,0
Kostnader 460,5 108,7 434,7 25,8
Intäkter -460,5 -108,7 -434,7 -25,8
Netto 0,0 0,0 0,0 0,0"""


def test_budget_rows_as_printed(pdf_pages_text: list[str]) -> None:
    lines = [line.strip() for text in pdf_pages_text for line in text.splitlines()]
    position = 0
    for expected in BUDGET_ROWS.splitlines():
        assert expected in lines[position:], expected
        position = lines.index(expected, position) + 1


def test_goal_structure_and_numbers(pdf_pages_text: list[str]) -> None:
    text = "\n".join(pdf_pages_text)
    for heading in ("1.1 I Stockholm är människor självförsörjande", "1.2.1 Stadens trygghets- och",
                    "2.5.2 Staden har arbetssätt", "3.2.8 Staden har kapacitet"):
        assert heading in text
    assert "12 av 12 KF:s mål för verksamhetsområdet uppfylls helt" in text
    assert "22 av 22 nämndmål uppfylls helt" in text
    assert text.count("Uppfylls helt") >= 34 + 34  # each goal plus the overview


def test_front_page_first(pdf_pages_text: list[str]) -> None:
    first = pdf_pages_text[0]
    for text in ("Stadsledningskontorets förslag till beslut", "Till Kommunstyrelsen", "Dnr KS 2020/0000",
                 "Sammanfattning", "Bakgrund", "Tertialrapport 1 2020"):
        assert text in first


def test_table_of_contents_page_numbers_are_right(pdf_pages_text: list[str]) -> None:
    toc = pdf_pages_text[1]
    assert "Innehåll" in toc
    for title in ("Uppföljning av ekonomi", "3. En ekonomiskt hållbar och innovativ storstad för framtiden"):
        line = next(line for line in toc.splitlines() if line.startswith(title))
        page = int(line.rstrip().split()[-1])
        assert title in pdf_pages_text[page - 1], (title, page)


def test_bookmarks_for_every_goal_and_section(pdf: PdfReader) -> None:
    def flatten(items) -> list[str]:
        out: list[str] = []
        for item in items:
            out.extend(flatten(item) if isinstance(item, list) else [item.title])
        return out

    titles = flatten(pdf.outline)
    assert len(titles) >= 37
    for expected in ("Sammanfattande analys", "Uppföljning av ekonomi", "Kvalitetsarbete", "Övrigt"):
        assert expected in titles
    assert sum(1 for t in titles if t[:1].isdigit()) >= 3 + 12 + 22


def test_links_work_in_pdf(pdf: PdfReader) -> None:
    links = [a for page in pdf.pages for a in (page.get("/Annots") or []) if a.get_object()["/Subtype"] == "/Link"]
    assert len(links) >= 3 + 12 + 34  # table of contents and goal overview


def test_only_the_vendored_font_is_used(pdf: PdfReader) -> None:
    fonts: set[str] = set()
    for page in pdf.pages:
        resources = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        for xobject in (resources.get("/XObject") or {}).values():
            for font in (xobject.get_object().get("/Resources", {}).get("/Font") or {}).values():
                fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(name.startswith("Open-Sans") for name in fonts), fonts


def test_rows_never_split_and_analysis_stays_with_its_row(pdf_pages_text: list[str], default_report_dir: Path) -> None:
    from render.load import load_report

    # A line that ends in a hyphen wraps a hyphenated word ("LSS-" / "verksamheterna"): one word.
    pages = [" ".join(words(text.replace("-\n", "-"))) for text in pdf_pages_text]

    def page_of(text: str) -> list[int]:
        needle = " ".join(words(text))
        return [i for i, page in enumerate(pages) if needle in page]

    checked = 0
    for goal in load_report(default_report_dir).report.assessed_goals():
        rows = [(a.text, a.analysis) for a in goal.activities] + [(i.name, i.analysis) for i in goal.indicators]
        for text, analysis in rows:
            where = page_of(text)
            assert where, f"row split over pages: {text[:60]}"
            if analysis:
                first = " ".join(analysis.split()[:6])
                assert set(page_of(first)) & set(where), f"Analys apart from its row: {text[:60]}"
            checked += 1
    assert checked >= 100
