"""What a screen reader follows in the PDF's tags (issue #11), checked on the joined files of the
default report (5 chunks, and 8 in the goal-per-page style) and of every example: each table cell's
/Headers reach the header cells the HTML names, every TH has /Scope, no two words of the HTML run
together in the tagged text, one Link element per HTML link, the chart's /BBox where it is drawn,
and dates that follow the document's date.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from conftest import DEFAULT_SLUG, EXAMPLES
from pdftags import Elem, attribute, id_tree, marked_texts, structure
from test_table_headers import Table, _headers_of, _Tables
from wordorder import words

from render.build import default_content_dir
from render.load import load_report
from render.pdf import render_pdf

SLUGS = [DEFAULT_SLUG, *EXAMPLES]
GOAL_PAGES = "ks-t1-2020 (goal pages)"


@pytest.fixture(scope="module")
def folders(built_reports: dict[str, Path], built_goal_pages: Path) -> dict[str, Path]:
    """build/<slug>/ of every report, and of the default in 8 chunks."""
    return {**built_reports, GOAL_PAGES: built_goal_pages}


def _open(folder: Path) -> pikepdf.Pdf:
    return pikepdf.open(next(folder.glob("*.pdf")))


def _html(folder: Path) -> str:
    return (folder / "index.html").read_text(encoding="utf-8")


def _said(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# ---------- table headers ----------

SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}
READING_ORDER = {"rowgroup": 0, "row": 1, "col": 2, "colgroup": 2}


def _html_tables(page: str) -> list[Table]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


@pytest.mark.parametrize("slug", [*SLUGS, GOAL_PAGES])
def test_every_pdf_cell_reaches_the_headers_the_html_names(folders: dict[str, Path], slug: str) -> None:
    """Cell by cell in reading order: /Headers, through /IDTree, are the TH elements whose
    text is what the HTML's `headers` (or its scope rules) name: group, row, column."""
    tables = _html_tables(_html(folders[slug]))
    html_cells = [(cell, table) for table in tables for cell in table.cells]
    with _open(folders[slug]) as pdf:
        tree, texts, ids = structure(pdf), marked_texts(pdf), id_tree(pdf)
        by_obj = {e.obj.objgen: e for e in tree.walk()}
        pdf_cells = [e for e in tree.walk() if e.tag in ("/TD", "/TH")]
        assert [c.tag for c, _ in html_cells] == [e.tag[1:].lower() for e in pdf_cells]
        checked = 0
        for (cell, table), element in zip(html_cells, pdf_cells, strict=True):
            by_id = {c.attrs["id"]: c for c in table.cells if "id" in c.attrs}
            assert _said(element.text(texts)) == _said(cell.text)
            if cell.tag == "th":
                assert attribute(element.obj, "/Scope") == SCOPES[cell.attrs["scope"]], cell.text
                if "id" in cell.attrs:
                    assert bytes(element.obj.ID).decode() == cell.attrs["id"]
                    assert ids[bytes(element.obj.ID)].objgen == element.obj.objgen
                continue
            span = attribute(element.obj, "/ColSpan")
            assert (1 if span is None else int(span)) == cell.span
            heard = []
            for name in attribute(element.obj, "/Headers") or []:
                header = by_obj[ids[bytes(name)].objgen]
                assert header.tag == "/TH"
                heard.append(_said(header.text(texts)))
            expected = _headers_of(cell, table, by_id)
            if "headers" not in cell.attrs:  # by position: read as tul's tables are, group, row, column
                expected.sort(key=lambda h: READING_ORDER[h.attrs["scope"]])
            assert heard == [_said(h.text) for h in expected], cell.text
            if "headers" in cell.attrs:
                assert [bytes(n).decode() for n in attribute(element.obj, "/Headers")] == cell.attrs["headers"].split()
            checked += 1
    assert checked == sum(c.tag == "td" for c, _ in html_cells) > 10


def _heard(pdf: pikepdf.Pdf) -> tuple[list[Elem], dict[tuple[int, int], str], Callable[[Elem], list[str]]]:
    """The data cells of `pdf`, the text of its marks, and what a cell's /Headers name."""
    tree, texts, ids = structure(pdf), marked_texts(pdf), id_tree(pdf)
    by_obj = {e.obj.objgen: e for e in tree.walk()}

    def heard(cell: Elem) -> list[str]:
        return [_said(by_obj[ids[bytes(n)].objgen].text(texts)) for n in attribute(cell.obj, "/Headers") or []]

    return [e for e in tree.walk() if e.tag == "/TD"], texts, heard


def test_a_full_width_analysis_row_names_only_its_row(folders: dict[str, Path]) -> None:
    with _open(folders[DEFAULT_SLUG]) as pdf:
        cells, texts, heard = _heard(pdf)
        analyses = [c for c in cells if _said(c.text(texts)).startswith("Analys")]
        assert len(analyses) > 5
        for cell in analyses:
            assert int(attribute(cell.obj, "/ColSpan")) >= 4
            (row,) = heard(cell)
            assert row and not row.startswith("Analys")


def test_a_markdown_table_cell_names_its_column_and_its_row_by_position(folders: dict[str, Path]) -> None:
    """A Markdown table's HTML has scope only (no ids): its cells name the column's header and the
    row's first cell, through made-up /IDs that carry the chunk's prefix."""
    slug = "sdn-norr-t2-2021"
    prose = [t for t in _html_tables(_html(folders[slug])) if not any("id" in c.attrs for c in t.cells)]
    assert prose, "no Markdown table in the example: this test proves nothing"
    first = prose[0].cells
    row = next(c for c in first if c.tag == "th" and c.attrs["scope"] == "row")
    figure = next(c for c in first if c.tag == "td" and c.row == row.row)
    column = next(c for c in first if c.tag == "th" and c.attrs["scope"] == "col" and c.column == figure.column)
    with _open(folders[slug]) as pdf:
        cells, texts, heard = _heard(pdf)
        (element,) = [c for c in cells if _said(c.text(texts)) == _said(figure.text)
                      and heard(c) == [_said(row.text), _said(column.text)]]
        names = [bytes(n) for n in attribute(element.obj, "/Headers")]
        assert all(name.startswith(b"c") and b"\0" not in name for name in names), names


ODD_TABLE = """<!DOCTYPE html><html lang="sv-SE"><head><meta charset="utf-8"><title>Tabell</title></head><body>
<table><thead><tr><th>Namn</th><th>Värde</th></tr></thead>
<tbody><tr><th id="r1">Rad</th><td headers="saknas r1">1</td></tr></tbody></table></body></html>"""


def test_a_th_without_scope_gets_one_and_a_dangling_header_is_left_out(tmp_path: Path) -> None:
    """No scope: a column header in thead, a row header elsewhere (as HTML's table model has
    it); an id in `headers` that names no header cell is not written as a dangling /Headers."""
    with pikepdf.open(BytesIO(render_pdf(ODD_TABLE, tmp_path, []).data)) as pdf:
        tree, ids = structure(pdf), id_tree(pdf)
        scopes = [attribute(e.obj, "/Scope") for e in tree.walk() if e.tag == "/TH"]
        assert scopes == ["/Column", "/Column", "/Row"]
        (cell,) = [e for e in tree.walk() if e.tag == "/TD"]
        assert [bytes(n) for n in attribute(cell.obj, "/Headers")] == [b"r1"]
        assert ids[b"r1"].S == "/TH"


# ---------- words run together ----------

_BREAKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "caption", "figcaption", "div", "section",
           "tr", "table", "ol", "ul", "br", "dt", "dd", "main", "nav", "header", "footer", "blockquote"}
_UNREAD = {"style", "script", "svg", "head", "title"}
_PDF_BREAKS = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/TD", "/TH", "/Caption", "/Lbl", "/LBody", "/LI",
               "/Div", "/Sect", "/TR", "/Table", "/L", "/Part", "/Art", "/BlockQuote", "/Document"}


class _Text(HTMLParser):
    """The HTML's text as read, one block per line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.unread = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.unread += tag in _UNREAD
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.unread -= tag in _UNREAD
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.unread:
            self.parts.append(data)


def _tagged_text(element: Elem, texts: dict[tuple[int, int], str]) -> str:
    """The text of the structure tree as a reader follows it: a block element is its own line."""
    out = []
    for item in element.items:
        if isinstance(item, Elem):
            if item.tag != "/Figure":  # a figure is read as its /Alt
                inner = _tagged_text(item, texts)
                out.append(f"\n{inner}\n" if item.tag in _PDF_BREAKS else inner)
        elif isinstance(item, tuple):
            out.append(texts.get(item, ""))
    return "".join(out)


def _joined_words(page: str, pdf: pikepdf.Pdf) -> tuple[list[str], int]:
    """Words of the tagged text that are two (or three) words of the HTML run together; and the
    number of words read. A break after a hyphen ("LSS-" / "insatser") joins nothing: the HTML
    has "LSS-insatser". Page numbers (made by CSS, not in the HTML) are left out."""
    parser = _Text()
    parser.feed(page)
    text = "".join(parser.parts)
    known = set(words(text))
    tokens = text.split()
    runs: set[str] = set()
    for size in (2, 3):
        for start in range(len(tokens) - size + 1):
            group = tokens[start : start + size]
            runs |= set(words("".join(group))) - {w for token in group for w in words(token)}
    read = words(_tagged_text(structure(pdf), marked_texts(pdf)))
    return [w for w in read if w not in known and w in runs and not w.isdigit()], len(read)


@pytest.mark.parametrize("slug", [*SLUGS, GOAL_PAGES])
def test_no_two_words_run_together_in_the_tagged_text(folders: dict[str, Path], slug: str) -> None:
    with _open(folders[slug]) as pdf:
        joined, read = _joined_words(_html(folders[slug]), pdf)
    assert read > 250
    assert not joined, f"{len(joined)} of {read} words run together, e.g. {joined[:10]}"


WRAPPING = """<!DOCTYPE html><html lang="sv-SE"><head><meta charset="utf-8"><title>Rader</title>
<style>@page {{ size: 90mm 120mm; margin: 10mm }} body {{ font-size: 10pt }}
.r {{ text-align: right }} .j {{ text-align: justify }}</style></head><body>
<p>Kommunstyrelsen följer upp stadens arbete med LSS-insatser och <a href="#m">målen för
verksamhetsområdet i en lång länk</a> och med styr- och ledningssystemet.</p>
<p class="r">Periodens utfall och prognos för helåret redovisas per nämnd och verksamhet.</p>
<p class="j">Handläggare<br>Förnamn Efternamn<br>Telefon 08-508 000 00 och ett stycke till som bryts.</p>
<h2 id="m">Mål</h2></body></html>"""


def test_the_word_check_finds_words_run_together_and_spaces_leave_the_page_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without tul's space at each line break the check finds joined words; with it, none, and
    the pages look the same and pdftotext reads the same."""
    import weasyprint.draw.text

    import render.engine

    page = WRAPPING.format()
    spaced = render_pdf(page, tmp_path, []).data
    monkeypatch.setattr(weasyprint.draw.text, "draw_first_line", render.engine._DRAW_FIRST_LINE)
    plain = render_pdf(page, tmp_path, []).data
    monkeypatch.undo()
    with pikepdf.open(BytesIO(plain)) as pdf:
        joined, _ = _joined_words(page, pdf)
    assert len(joined) > 5 and "handläggareförnamn" in joined, joined  # soft breaks, and a forced one
    with pikepdf.open(BytesIO(spaced)) as pdf:
        assert _joined_words(page, pdf)[0] == []
        assert len(pdf.pages) == 1
    images = []
    for name, data in (("plain", plain), ("spaced", spaced)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "150", "-gray", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
        images.append(next(tmp_path.glob(f"{name}-*.pgm")).read_bytes())
    assert images[0] == images[1]
    texts = [subprocess.run(["pdftotext", "-raw", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True, text=True,
                            check=True).stdout for name in ("plain", "spaced")]
    assert texts[0] == texts[1] and "LSS-insatser" in texts[1]


# ---------- links ----------


@pytest.mark.parametrize("slug", [*SLUGS, GOAL_PAGES])
def test_one_link_element_per_html_link(folders: dict[str, Path], slug: str) -> None:
    """A link that wraps is still one Link element, with all its annotations as OBJR kids."""
    page = _html(folders[slug])
    html_links = page.count("<a href=")
    with _open(folders[slug]) as pdf:
        tree = structure(pdf)
        links = [e for e in tree.walk() if e.tag == "/Link"]
        assert len(links) == html_links > 0
        owners = [(objr.Obj.objgen, e.obj.objgen) for e in tree.walk() for objr in e.objrs]
        annotations = [a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.Subtype == "/Link"]
        assert sorted(o for o, _ in owners) == sorted(a.objgen for a in annotations)  # each one once
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        owner = dict(owners)
        for annotation in annotations:
            assert parents[int(annotation.StructParent)].objgen == owner[annotation.objgen]
        assert any(len(link.objrs) > 1 for link in links) or slug != DEFAULT_SLUG


# ---------- the chart's /BBox ----------


def _drawn_extent(page: pikepdf.Page, mcids: set[int]) -> tuple[float, float, float, float]:
    """The extent, in the page's user space, of the paths drawn inside the marked content `mcids`."""
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[float, ...]] = []
    depth = 0
    xs: list[float] = []
    ys: list[float] = []

    def point(x: float, y: float) -> None:
        a, b, c, d, e, f = ctm
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)

    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            p, q, r, s, t, u = ctm
            ctm = (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)
        elif op in ("BDC", "BMC"):
            starts = op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and operands[1].get("/MCID") in mcids
            depth = depth + 1 if depth or starts else 0
        elif op == "EMC" and depth:
            depth -= 1
        elif depth and op in ("m", "l", "c", "v", "y", "re"):
            values = [float(v) for v in operands]
            if op == "re":
                x, y, w, h = values
                values = [x, y, x + w, y + h]
            for i in range(0, len(values) - 1, 2):
                point(values[i], values[i + 1])
    assert xs, "nothing drawn inside the figure"
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("slug", [DEFAULT_SLUG, GOAL_PAGES])
def test_the_chart_bbox_is_where_it_is_drawn(folders: dict[str, Path], slug: str) -> None:
    with _open(folders[slug]) as pdf:
        figures = [e for e in structure(pdf).walk() if e.tag == "/Figure"]
        assert figures
        for figure in figures:
            marks = [item for item in figure.items if isinstance(item, tuple)]
            (number,) = {page for page, _ in marks}
            page = pdf.pages[number]
            left, bottom, right, top = (float(v) for v in page.mediabox)
            x1, y1, x2, y2 = (float(v) for v in attribute(figure.obj, "/BBox"))
            assert left <= x1 < x2 <= right and bottom <= y1 < y2 <= top, (x1, y1, x2, y2)
            dx1, dy1, dx2, dy2 = _drawn_extent(page, {mcid for _, mcid in marks})
            assert x1 - 1 <= dx1 and dx2 <= x2 + 1 and y1 - 1 <= dy1 and dy2 <= y2 + 1, ((dx1, dy1, dx2, dy2), (x1, y1, x2, y2))
            assert (dx2 - dx1) > 0.5 * (x2 - x1) and (dy2 - dy1) > 0.5 * (y2 - y1)


# ---------- dates ----------


def _document_date(slug: str) -> dt.date:
    report = load_report(default_content_dir() / slug).report
    return report.front_page.date if report.front_page else report.as_of


def check_dates(pdf: pikepdf.Pdf, date: dt.date) -> None:
    """Info and XMP creation, modification (and metadata) dates are the document's date."""
    assert str(pdf.docinfo.CreationDate) == str(pdf.docinfo.ModDate) == "D:" + date.strftime("%Y%m%d")
    meta = pdf.open_metadata()
    for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
        assert meta[key] == date.isoformat(), key


@pytest.mark.parametrize("slug", SLUGS)
def test_dates_follow_the_document_date(folders: dict[str, Path], slug: str) -> None:
    """The front page's date where there is a front page, else the date the figures refer to."""
    with _open(folders[slug]) as pdf:
        check_dates(pdf, _document_date(slug))


def test_a_report_without_a_front_page_is_dated_by_its_as_of_date() -> None:
    without = [s for s in SLUGS if load_report(default_content_dir() / s).report.front_page is None]
    assert without and all(_document_date(s) == load_report(default_content_dir() / s).report.as_of for s in without)
    assert _document_date(DEFAULT_SLUG) != load_report(default_content_dir() / DEFAULT_SLUG).report.as_of
