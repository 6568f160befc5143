"""What the reader of the PDF gets, in the default report and every example: no word without
ink on its page, and page 1's sender, document kind and address as text on the page rather
than page furniture.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DEFAULT_SLUG, EXAMPLES
from PIL import Image
from pypdf import PdfReader

from render.labels import labels_for

SLUGS = [DEFAULT_SLUG, *EXAMPLES]


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
