"""What the reader of the PDF gets, in the default report and every example: no word without
ink on its page, no text under 8 pt, no page that ends with a heading, and page 1's sender,
document kind and address as text on the page rather than page furniture.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DEFAULT_SLUG, EXAMPLES
from PIL import Image
from pypdf import PdfReader

from render.labels import labels_for

SLUGS = [DEFAULT_SLUG, *EXAMPLES]
MM = 72 / 25.4
LEFT_MARGIN, BOTTOM_MARGIN = 25 * MM, 22 * MM  # styles/report.css @page margins


def _pdf(built: Path) -> Path:
    return next(built.glob("*.pdf"))


def _plain_pdf(page: str) -> bytes:
    """A PDF of a small page, to show that a check can fail (WeasyPrint directly: no tul finishing)."""
    import weasyprint

    data = weasyprint.HTML(string=page).write_pdf()
    assert data is not None
    return data


# ---------- every word of the PDF has ink on its page ----------

DPI = 100


def _invisible_words(pdf: Path, tmp: Path) -> list[tuple[int, str]]:
    """Words pdftotext finds whose box on the rendered page holds no ink (a blank area)."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), str(pdf), str(tmp / "p")], check=True)
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r"<page [^>]*>(.*?)</page>", boxes, re.S)
    images = sorted(tmp.glob("p-*.pgm"))
    assert len(images) == len(pages) > 0
    scale = DPI / 72
    blank = []
    for number, (body, image_path) in enumerate(zip(pages, images, strict=True), 1):
        image = Image.open(image_path)
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)
        assert words, f"page {number} has no text"
        for x0, y0, x1, y1, word in words:
            box = (int(float(x0) * scale), int(float(y0) * scale), int(float(x1) * scale) + 1, int(float(y1) * scale) + 1)
            low, high = image.crop(box).getextrema()
            if high - low < 64:  # no glyph drawn: the box is one flat tone
                blank.append((number, html_lib.unescape(word)))
    return blank


@pytest.mark.parametrize("slug", SLUGS)
def test_every_word_in_the_pdf_is_visible(built_reports: dict[str, Path], slug: str, tmp_path: Path) -> None:
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "poppler-utils is needed (make system-deps)"
    blank = _invisible_words(_pdf(built_reports[slug]), tmp_path)
    assert not blank, f"{len(blank)} words without ink, e.g. {blank[:10]}"


def test_the_invisible_word_check_finds_clipped_text(tmp_path: Path) -> None:
    """The check above can fail: text clipped to 1 px (the old .visually-hidden) is found."""
    html = ('<html lang="sv"><head><title>t</title><style>.h { position: absolute; width: 1px; height: 1px; '
            'overflow: hidden; white-space: nowrap; }</style></head><body><p>Synlig text '
            '<span class="h">Ingen avvikelse</span></p></body></html>')
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(_plain_pdf(html))
    (tmp_path / "img").mkdir()
    assert _invisible_words(pdf, tmp_path / "img") == [(1, "Ingen"), (1, "avvikelse")]


# ---------- print legibility ----------


def _text_sizes(pdf: Path) -> dict[float, list[str]]:
    """Every text run's size on the page in pt (font size times the text and drawing scale)."""
    sizes: dict[float, list[str]] = {}
    for page in PdfReader(pdf).pages:
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                shown = size * (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
                sizes.setdefault(round(shown, 2), []).append(text.strip())

        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("slug", SLUGS)
def test_no_text_in_the_pdf_is_smaller_than_8_pt(built_reports: dict[str, Path], slug: str) -> None:
    sizes = _text_sizes(_pdf(built_reports[slug]))
    small = {size: texts[:5] for size, texts in sizes.items() if size < 7.995}
    assert not small, small
    assert 8.0 in sizes, "table text is set at 8 pt"


class _Headings(HTMLParser):
    """The texts a page must not end with: headings, kickers and the assessment after a heading."""

    VOID = {"br", "col", "img", "wbr", "meta", "input", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, list[str]]] = []
        self.texts: set[str] = set()
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        self.tables += tag == "table"
        classes = (dict(attrs).get("class") or "").split()
        keep = not self.tables and (re.fullmatch(r"h[1-6]", tag) is not None
                                    or bool({"kicker", "label-heading", "assessment"} & set(classes)))
        self.stack.append((tag, keep, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        self.tables -= tag == "table"
        while self.stack:
            name, keep, words = self.stack.pop()
            if keep:
                self.texts.add(" ".join("".join(words).split()))
            if self.stack:
                self.stack[-1][2].extend(words)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1][2].append(data)


def _pages_ending_with_a_heading(pdf: Path, page: str) -> list[tuple[int, str]]:
    headings = _Headings()
    headings.feed(page)
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for number, (height, body) in enumerate(re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', layout, re.S), 1):
        bottom = float(height) - BOTTOM_MARGIN + 1  # below it: the footer
        lines = sorted(
            (float(y1), float(x0), " ".join(html_lib.unescape(w) for w in re.findall(r">([^<]*)</word>", words)))
            for x0, y1, words in re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>',
                                            body, re.S)
            if float(y1) <= bottom
        )
        for n in range(1, min(len(lines), 4) + 1):  # the page's last lines, read as one text, are a heading
            tail = lines[-n:]
            text = " ".join(" ".join(t for _, _, t in tail).split())
            if tail[0][1] < LEFT_MARGIN + 20 and text in headings.texts:
                found.append((number, text))
                break
    return found


@pytest.mark.parametrize("slug", SLUGS)
def test_no_page_ends_with_a_heading(built_reports: dict[str, Path], slug: str) -> None:
    built = built_reports[slug]
    found = _pages_ending_with_a_heading(_pdf(built), (built / "index.html").read_text(encoding="utf-8"))
    assert not found, found


def test_the_heading_check_finds_a_heading_at_a_page_bottom(tmp_path: Path) -> None:
    """The check above can fail: a heading pushed to the bottom of page 1 is found."""
    page = ('<html lang="sv"><head><title>t</title><style>@page { size: A4; margin: 24mm 20mm 22mm 25mm }'
            'body { margin: 0 } h2 { margin: 0 }</style></head><body><div style="height: 238mm"></div>'
            '<h2>Rubrik längst ner</h2><p style="break-before: page">Text</p></body></html>')
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(_plain_pdf(page))
    assert _pages_ending_with_a_heading(pdf, page) == [(1, "Rubrik längst ner")]


# ---------- page 1: sender, document kind and address are text on the page ----------


@pytest.mark.parametrize("slug", SLUGS)
def test_page_one_names_sender_kind_and_address_as_content(built_reports: dict[str, Path], slug: str) -> None:
    from render.build import default_content_dir
    from render.load import load_report

    report = load_report(default_content_dir() / slug).report
    kind = report.document_kind or labels_for(report.locale)["document_kind"]
    first = PdfReader(_pdf(built_reports[slug])).pages[0]
    tagged: list[str] = []
    depth: list[bool] = []

    def before(op: bytes, args: list, cm: object, tm: object) -> None:
        if op == b"BDC":
            depth.append("/MCID" in (args[1] if hasattr(args[1], "get") else {}))
        elif op == b"BMC":
            depth.append(False)
        elif op == b"EMC":
            depth.pop()

    def text(t: str, *rest: object) -> None:
        if depth and depth[-1]:
            tagged.append(t)

    first.extract_text(visitor_operand_before=before, visitor_text=text)
    content = " ".join("".join(tagged).replace("\u00a0", " ").split())
    for words in (report.organisation, kind, report.web_address, report.administration):
        assert words in content, (words, content[:300])
    if report.address:
        assert report.address in content
