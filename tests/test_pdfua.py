"""The default PDF is a PDF/UA-1 document: tree, artifacts, metadata, fonts, determinism.

No veraPDF runs here (it is not installable from the registries this project
uses); each test checks one PDF/UA-1 requirement (Matterhorn protocol) directly
on the PDF objects and content streams with pikepdf.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from pdftags import Elem, structure
from pypdf import PdfReader
from test_pdf_tags import check_dates

from render.build import BuildOptions, build_report, default_assets
from render.load import load_report
from render.pdf import render_pdf
from render.pdfua import NOTES

PDF_NAME = "ks-t1-2020.pdf"
PAINTING = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE"}


@pytest.fixture(scope="module")
def built_archive(tmp_path_factory: pytest.TempPathFactory, default_report_dir: Path) -> Path:
    """build/<slug>/ of the default report as its archive copy, PDF/A-2a."""
    out = tmp_path_factory.mktemp("archive")
    result = build_report(default_report_dir, BuildOptions(out_dir=out, strict=True, pdf_variant="pdf/a-2a"))
    assert result.warnings == [] and result.chunks == 5
    return out / result.slug


BUILDS = {"house style": "built_default", "inriktningsmål on new pages": "built_goal_pages",
          "archive copy": "built_archive"}


@pytest.fixture(scope="module", params=list(BUILDS))
def built(request: pytest.FixtureRequest) -> Path:
    """The joined PDF of the default report: in 5 chunks, in 8 with parts cut in two, and the
    archive copy (PDF/A-2a), which is finished as the PDF/UA-1 file is and passes the same tests."""
    return request.getfixturevalue(BUILDS[request.param])


@pytest.fixture(scope="module")
def pdf(built: Path) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(built / PDF_NAME) as document:
        yield document


@pytest.fixture(scope="module")
def marked_text(built: Path) -> list[dict[str, str]]:
    return _page_text_by_mark(built / PDF_NAME)


@pytest.fixture(scope="module")
def html(built: Path) -> str:
    return (built / "index.html").read_text(encoding="utf-8")


# ---------- helpers: the structure tree and the marked content, as plain data ----------


@pytest.fixture(scope="module")
def tree(pdf: pikepdf.Pdf) -> Elem:
    return structure(pdf)


def _marks(page: pikepdf.Page) -> list[tuple[str, pikepdf.Object | None, int]]:
    """(tag, properties, depth) of every BDC/BMC on a page, in order."""
    out, depth = [], 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            out.append((str(operands[0]), operands[1] if op == "BDC" else None, depth))
            depth += 1
        elif op == "EMC":
            depth -= 1
    return out


def _page_text_by_mark(path: Path) -> list[dict[str, str]]:
    """Per page: text inside tagged content ('tagged') and inside each kind of artifact."""
    result = []
    for page in PdfReader(path).pages:
        stack: list[str] = []
        texts: dict[str, list[str]] = {}

        def before(op: bytes, args: list, cm: object, tm: object, stack: list[str] = stack) -> None:
            if op == b"BDC":
                props = args[1] if hasattr(args[1], "get") else {}
                if "/MCID" in props:
                    stack.append("tagged")
                else:  # 'artifact/Header', 'artifact/Footer', 'artifact/Pagination', 'artifact/Layout'
                    stack.append("artifact" + str(props.get("/Subtype", props.get("/Type", ""))))
            elif op == b"BMC":
                stack.append("artifact")
            elif op == b"EMC":
                stack.pop()

        def text(t: str, *rest: object, stack: list[str] = stack, texts: dict = texts) -> None:
            texts.setdefault(stack[-1] if stack else "unmarked", []).append(t)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        result.append({k: "".join(v).replace("\u00a0", " ") for k, v in texts.items()})
    return result


class _TagCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()
        self.hidden_svgs = 0
        self.shown_svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] += 1
        if tag in ("svg", "img"):  # drawings: decorative (aria-hidden) or figures
            if dict(attrs).get("aria-hidden") == "true":
                self.hidden_svgs += 1
            else:
                self.shown_svgs += 1


def _html_counts(html: str) -> _TagCounter:
    parser = _TagCounter()
    parser.feed(html)
    return parser


# ---------- catalog and metadata ----------


def test_catalog_and_metadata_claim_pdf_ua_1(pdf: pikepdf.Pdf, default_report_dir: Path) -> None:
    report = load_report(default_report_dir).report
    title = f"{report.board}: {report.title}"
    root = pdf.Root
    assert str(root.Lang) == "sv-SE"
    assert root.MarkInfo.Marked is True
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert root.StructTreeRoot.Type == "/StructTreeRoot"
    assert str(pdf.docinfo.Title) == title
    meta = pdf.open_metadata()
    assert meta["dc:title"] == title
    assert meta["pdfuaid:part"] == "1"
    assert all(page.obj.Tabs == "/S" for page in pdf.pages)


def test_dates_come_from_the_report_not_the_clock(pdf: pikepdf.Pdf, default_report_dir: Path) -> None:
    front_page = load_report(default_report_dir).report.front_page
    assert front_page is not None
    check_dates(pdf, front_page.date)  # Info and XMP: created, modified and metadata dates
    assert len(pdf.trailer.ID) == 2


def test_same_input_gives_the_same_bytes(built_default: Path, content_copy: Path, tmp_path: Path) -> None:
    # The content lives at another path and the output goes elsewhere, as on another machine.
    again = build_report(content_copy, BuildOptions(out_dir=tmp_path / "out", strict=True))
    assert again.warnings == []
    assert (built_default / PDF_NAME).read_bytes() == (tmp_path / "out" / again.slug / PDF_NAME).read_bytes()
    html = "index.html"
    assert (built_default / html).read_bytes() == (tmp_path / "out" / again.slug / html).read_bytes()


def test_no_private_notes_are_left(pdf: pikepdf.Pdf) -> None:
    assert set(NOTES) == {"/TulKey", "/TulArtifact", "/TulShared", "/TulID", "/TulHeaders"}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary):
            assert not set(obj.keys()) & set(NOTES), obj.objgen


# ---------- content: tagged or artifact, never both, never neither ----------


def test_running_header_and_footer_are_artifacts(marked_text: list[dict[str, str]]) -> None:
    pages = marked_text
    total = len(pages)
    for number, text in enumerate(pages, 1):
        header, footer, tagged = text.get("artifact/Header", ""), text.get("artifact/Footer", ""), text["tagged"]
        assert f"Sid {number} ({total})" in header, (number, header)
        # Page 1 prints sender, document kind and address as its own content (issue #11);
        # the other pages repeat them as furniture.
        identity = "Stockholms stad", "Tjänsteutlåtande", "start.stockholm"
        for words in identity:
            assert words in (tagged if number == 1 else header + footer), (number, words)
            assert number > 1 or words not in header + footer, (number, words)
        assert f"Sid {number} ({total})" not in tagged, number
        assert not text.get("unmarked", "").strip(), number


def test_all_content_is_tagged_or_artifact(pdf: pikepdf.Pdf) -> None:
    for number, page in enumerate(pdf.pages, 1):
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                kind = "artifact" if str(operands[0]) == "/Artifact" else "tagged"
                assert not stack or stack[-1] == kind == "artifact", (number, stack, kind)
                stack.append(kind)
            elif op == "EMC":
                stack.pop()
            elif op in PAINTING:
                assert stack, (number, op)
        assert not stack


def test_every_mark_is_in_the_tree_once_and_in_the_parent_tree(pdf: pikepdf.Pdf, tree: Elem) -> None:
    owners = {m: e for e in tree.walk() for m in e.marks}
    assert len(owners) == len(tree.all_marks()), "a marked sequence is claimed twice"
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for index, page in enumerate(pdf.pages):
        mcids = [int(props.MCID) for _, props, _ in _marks(page) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props]
        assert mcids == list(range(len(mcids))), index
        assert sorted(m for p, m in owners if p == index) == mcids, index
        per_page = parent_tree[int(page.obj.StructParents)]
        assert len(per_page) == len(mcids)
        for mcid in mcids:
            assert per_page[mcid].objgen == owners[(index, mcid)].obj.objgen


def test_links_have_contents_and_a_link_element(pdf: pikepdf.Pdf, tree: Elem) -> None:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    links = [a for page in pdf.pages for a in page.obj.get("/Annots", []) if a.Subtype == "/Link"]
    assert links
    owners = {o.Obj.objgen: e for e in tree.walk() for o in e.objrs}
    for annotation in links:
        assert str(annotation.get("/Contents", "")).strip()
        assert owners[annotation.objgen].tag == "/Link"
        assert parent_tree[int(annotation.StructParent)].objgen == owners[annotation.objgen].obj.objgen


# ---------- structure ----------


def test_headings_never_skip_a_level(tree: Elem) -> None:
    levels = [int(e.tag[2]) for e in tree.walk() if re.fullmatch(r"/H[1-6]", e.tag)]
    assert levels and levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, (before, after)
    assert "/H" not in {e.tag for e in tree.walk()}


# Allowed kids of the list and table types (ISO 32000-1 14.8.4.3, veraPDF PDF/UA-1 rules 7.2).
ALLOWED_KIDS = {
    "/L": {"/LI", "/L", "/Caption"},
    "/LI": {"/Lbl", "/LBody"},
    "/Table": {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"},
    "/THead": {"/TR"},
    "/TBody": {"/TR"},
    "/TFoot": {"/TR"},
    "/TR": {"/TH", "/TD"},
}


def test_structure_types_nest_as_pdf_ua_requires(tree: Elem) -> None:
    for elem in tree.walk():
        kinds = [k.tag for k in elem.kids]
        assert set(kinds) <= ALLOWED_KIDS.get(elem.tag, set(kinds)), (elem.tag, kinds)
        assert not (elem.tag == "/Link" and "/Link" in kinds), "a link inside a link"
        if elem.tag == "/Table" and "/Caption" in kinds:
            assert kinds.index("/Caption") in (0, len(kinds) - 1)
        assert elem.tag in ("/Document", "/TD", "/TH") or elem.kids or elem.marks or elem.objrs, elem.tag
    assert tree.tag == "/Document" and [k.tag for k in tree.kids] == ["/Part"]


def test_leader_dots_are_not_read_out(marked_text: list[dict[str, str]]) -> None:
    tagged = "".join(page.get("tagged", "") for page in marked_text)
    assert "...." not in tagged.replace(" ", "")


def test_one_table_element_per_html_table(tree: Elem, html: str) -> None:
    counts = _html_counts(html).counts
    tags = Counter(e.tag for e in tree.walk())
    assert tags["/Table"] == counts["table"]
    assert tags["/THead"] == counts["thead"]
    assert tags["/TBody"] == counts["tbody"]
    assert tags["/TR"] == counts["tr"]
    assert tags["/Caption"] == counts["caption"] + counts["figcaption"]
    crossing = [t for t in tree.walk() if t.tag == "/Table" and len({p for p, _ in t.all_marks()}) > 1]
    assert crossing, "no table crosses a page break: this test proves nothing"


def test_repeated_header_rows_are_artifacts(marked_text: list[dict[str, str]], tree: Elem) -> None:
    pages = marked_text
    continued = [t for t in tree.walk() if t.tag == "/Table" and len({p for p, _ in t.all_marks()}) > 1]
    for table in continued:
        (head,) = [k for k in table.kids if k.tag == "/THead"]
        head_pages = {p for p, _ in head.all_marks()}
        assert len(head_pages) == 1
        for page in sorted({p for p, _ in table.all_marks()} - head_pages):
            assert pages[page].get("artifact/Pagination", "").strip(), page


def test_table_headers_resolve_through_the_id_tree(pdf: pikepdf.Pdf, tree: Elem) -> None:
    root = pdf.Root.StructTreeRoot
    names = root.IDTree.Names
    keys = [bytes(names[i]) for i in range(0, len(names), 2)]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    id_tree = {bytes(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
    with_id = {bytes(e.obj.ID): e for e in tree.walk() if "/ID" in e.obj}
    assert set(id_tree) == set(with_id)
    assert all(with_id[k].obj.objgen == v and with_id[k].tag == "/TH" for k, v in id_tree.items())
    cells = [e for e in tree.walk() if e.tag == "/TD"]
    assert cells
    for cell in cells:
        for header in cell.obj.A.get("/Headers", []):
            assert bytes(header) in id_tree


def test_figures_have_alt_and_icons_are_artifacts(pdf: pikepdf.Pdf, tree: Elem, html: str) -> None:
    counts = _html_counts(html)
    figures = [e for e in tree.walk() if e.tag == "/Figure"]
    assert len(figures) == counts.shown_svgs
    for figure in figures:
        assert str(figure.obj.get("/Alt", "")).strip()
    chart = next(str(f.obj.Alt) for f in figures if "Budget och prognos" in str(f.obj.Alt))
    assert "Stapeldiagram" in chart  # the SVG's <desc> as well as its <title>
    # Decorative drawings: layout artifacts without text (those with text are TOC leader dots).
    drawings = 0
    for page in pdf.pages:
        inside, text = 0, False
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC" and str(operands[0]) == "/Artifact" and operands[1].get("/Type") == "/Layout":
                inside, text = 1, False
            elif inside and op in ("BDC", "BMC"):
                inside += 1
            elif inside and op == "EMC":
                inside -= 1
                drawings += not inside and not text
            elif inside and op in ("Tj", "TJ", "'", '"'):
                text = True
    assert drawings == counts.hidden_svgs


def _to_unicode_codes(cmap: bytes) -> set[int]:
    """Codes a ToUnicode CMap maps (bfchar and bfrange), for two-byte Identity-H fonts."""
    text = cmap.decode("latin-1")
    codes = set()
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        codes.update(int(code, 16) for code, _ in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*[<\[]", block):
            codes.update(range(int(low, 16), int(high, 16) + 1))
    return codes


def test_fonts_are_embedded_and_every_glyph_maps_to_unicode(pdf: pikepdf.Pdf) -> None:
    fonts: dict[tuple[int, int], pikepdf.Object] = {}
    used: Counter[tuple[tuple[int, int], int]] = Counter()
    seen_forms: set[tuple[int, int]] = set()

    def scan(content: pikepdf.Object, resources: pikepdf.Object) -> None:
        named = dict(resources.get("/Font", {}).items()) if resources is not None else {}
        current = None
        for operands, operator in pikepdf.parse_content_stream(content):
            op = str(operator)
            if op == "Tf":
                current = named[str(operands[0])]
                fonts[current.objgen] = current
            elif op in ("Tj", "TJ", "'", '"'):
                strings = operands[0] if op == "TJ" else [operands[-1]]
                for item in strings:
                    if isinstance(item, pikepdf.String):
                        data = bytes(item)
                        for i in range(0, len(data) - 1, 2):
                            used[(current.objgen, int.from_bytes(data[i : i + 2], "big"))] += 1
            elif op == "Do" and resources is not None:
                xobject = resources.XObject[str(operands[0])]
                if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen_forms:
                    seen_forms.add(xobject.objgen)
                    scan(xobject, xobject.get("/Resources", resources))

    for page in pdf.pages:
        scan(page, page.obj.get("/Resources"))
    assert fonts
    for key, font in fonts.items():
        assert font.Subtype == "/Type0" and font.Encoding == "/Identity-H", font.BaseFont
        descendant = font.DescendantFonts[0]
        descriptor = descendant.FontDescriptor
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
        if descendant.Subtype == "/CIDFontType2":
            assert "/CIDToGIDMap" in descendant, font.BaseFont
        mapped = _to_unicode_codes(font.ToUnicode.read_bytes())
        codes = {code for (objgen, code) in used if objgen == key}
        assert 0 not in codes, f"{font.BaseFont} shows .notdef"
        assert codes <= mapped, (str(font.BaseFont), sorted(codes - mapped)[:10])


# ---------- a table and a paragraph crossing pages, made small on purpose ----------

CROSSING = """<!DOCTYPE html><html lang="sv-SE"><head><meta charset="utf-8"><title>Korsning</title>
<style>@page {{ size: A6; margin: 15mm; @top-center {{ content: "Huvud " counter(page) }} }}
thead {{ display: table-header-group }} tr {{ break-inside: avoid }}</style></head>
<body><h1>Korsning</h1><p>{para}</p>
<table><caption>Rader</caption><thead><tr><th scope="col">Namn</th><th scope="col">Värde</th></tr></thead>
<tbody>{rows}</tbody></table><ul>{items}</ul></body></html>"""


def test_elements_crossing_pages_become_one_element(tmp_path: Path) -> None:
    para = " ".join(f"ord{i}" for i in range(400))
    rows = "".join(f"<tr><th scope='row'>rad {i}</th><td>{i}</td></tr>" for i in range(60))
    items = "".join(f"<li>punkt {i}</li>" for i in range(40))
    result = render_pdf(CROSSING.format(para=para, rows=rows, items=items), tmp_path, [])
    with pikepdf.open(BytesIO(result.data)) as pdf:
        assert len(pdf.pages) > 3
        tree = structure(pdf)
        tags = Counter(e.tag for e in tree.walk())
        assert (tags["/Table"], tags["/THead"], tags["/TBody"], tags["/TR"], tags["/L"]) == (1, 1, 1, 61, 1)
        assert tags["/P"] == 1 and tags["/LI"] == 40
        (table,) = [e for e in tree.walk() if e.tag == "/Table"]
        assert len({p for p, _ in table.all_marks()}) > 1
        (paragraph,) = [e for e in tree.walk() if e.tag == "/P"]
        assert len({p for p, _ in paragraph.all_marks()}) > 1
        # Repeated header rows and the margin are artifacts: 'Namn' is tagged once only.
        texts = _page_text_by_mark_bytes(result.data, tmp_path)
        assert sum(t.get("tagged", "").count("Namn") for t in texts) == 1
        assert sum(t.get("artifact/Pagination", "").count("Namn") for t in texts) == len(
            {p for p, _ in table.all_marks()}
        ) - 1
        assert all("Huvud" in t.get("artifact/Header", "") for t in texts)


def test_finishing_changes_only_the_marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import render.pdfua

    para = " ".join(f"ord{i}" for i in range(300))
    rows = "".join(f"<tr><th scope='row'>rad {i}</th><td>{i}</td></tr>" for i in range(50))
    page = CROSSING.format(para=para, rows=rows, items="<li>punkt</li>")
    monkeypatch.setattr(render.pdfua, "finish_chunk", lambda data, *args: data)
    raw = render_pdf(page, tmp_path, []).data
    monkeypatch.undo()
    finished = render_pdf(page, tmp_path, []).data

    def drawing(data: bytes) -> list[list[tuple[str, str]]]:
        with pikepdf.open(BytesIO(data)) as pdf:
            return [
                [(str(op), repr(list(operands))) for operands, op in pikepdf.parse_content_stream(page)
                 if str(op) not in ("BDC", "BMC", "EMC")]
                for page in pdf.pages
            ]

    assert raw != finished
    assert drawing(raw) == drawing(finished)


FIGURES = """<!DOCTYPE html><html lang="sv-SE"><head><meta charset="utf-8"><title>Bilder</title></head><body>
<h1>Bilder</h1>
<div role="img" aria-label="Stadens logotyp"><svg width="20" height="20"><rect width="20" height="20"/></svg></div>
<p><svg width="10" height="10" aria-hidden="true"><circle cx="5" cy="5" r="4"/></svg> Uppfyllt</p>
<figure><svg width="30" height="10" role="img"><title>Staplar</title><desc>Två staplar</desc>
<rect width="30" height="10"/></svg></figure>
<p><svg width="10" height="10"><rect width="10" height="10"/></svg> utan text</p>
</body></html>"""


def test_figures_get_their_words_or_become_artifacts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    result = render_pdf(FIGURES, tmp_path, [])
    with pikepdf.open(BytesIO(result.data)) as pdf:
        alts = [str(e.obj.get("/Alt", "")) for e in structure(pdf).walk() if e.tag == "/Figure"]
    assert alts == ["Stadens logotyp.", "Staplar. Två staplar.", ""]
    # The last SVG has no words at all: that is a warning, so a strict build stops.
    assert result.warnings == ["image or SVG without a text alternative in the PDF"]
    caplog.clear()  # expected here; the autouse check would otherwise fail the test


def _page_text_by_mark_bytes(data: bytes, tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "crossing.pdf"
    path.write_bytes(data)
    return _page_text_by_mark(path)


# ---------- the archive variant ----------


# What PDF/A-2 admits in XMP without describing it (ISO 19005-2 6.6.2.3.2: the XMP 2004 schemas
# and PDF/A's own), and the namespaces the description of an extension schema is written in.
PREDEFINED = {
    "http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/", "http://ns.adobe.com/xap/1.0/rights/",
    "http://ns.adobe.com/xap/1.0/mm/", "http://ns.adobe.com/xap/1.0/bj/", "http://ns.adobe.com/xap/1.0/t/pg/",
    "http://ns.adobe.com/xmp/1.0/DynamicMedia/", "http://ns.adobe.com/pdf/1.3/", "http://ns.adobe.com/photoshop/1.0/",
    "http://ns.adobe.com/camera-raw-settings/1.0/", "http://ns.adobe.com/exif/1.0/", "http://ns.adobe.com/tiff/1.0/",
    "http://www.aiim.org/pdfa/ns/id/",
}
DESCRIBING = {"http://www.aiim.org/pdfa/ns/extension/", "http://www.aiim.org/pdfa/ns/schema#",
              "http://www.aiim.org/pdfa/ns/property#", "http://www.aiim.org/pdfa/ns/type#",
              "http://www.aiim.org/pdfa/ns/field#"}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _namespace(name: str) -> str:
    return name[1:].split("}")[0] if name.startswith("{") else ""


def test_the_archive_copy_is_pdf_a_2a_and_pdf_ua_1(built_archive: Path) -> None:
    with pikepdf.open(built_archive / PDF_NAME) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"], meta["pdfuaid:part"]) == ("2", "A", "1")
        assert pdf.pdf_version == "1.7" and "/Encrypt" not in pdf.trailer and len(pdf.trailer.ID) == 2
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        annotations = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert annotations and all(int(a.F) == 4 for a in annotations)  # printed, not hidden


def test_the_archive_xmp_describes_every_schema_it_uses(built_archive: Path) -> None:
    """PDF/UA's identification is not a PDF/A schema: the packet carries its description."""
    from xml.etree import ElementTree

    with pikepdf.open(built_archive / PDF_NAME) as pdf:
        root = ElementTree.fromstring(pdf.Root.Metadata.read_bytes())
    described: dict[str, dict[str, str]] = {}
    for schema in root.iter("{http://www.aiim.org/pdfa/ns/schema#}namespaceURI"):
        holder = next(li for li in root.iter(f"{{{RDF}}}li") if schema in list(li))
        properties = {p.findtext("{http://www.aiim.org/pdfa/ns/property#}name"):
                      p.findtext("{http://www.aiim.org/pdfa/ns/property#}valueType")
                      for p in holder.iter(f"{{{RDF}}}li") if p is not holder}
        described[schema.text or ""] = properties
    assert described == {"http://www.aiim.org/pdfua/ns/id/": {"part": "Integer"}}
    used = set()
    for description in root.iter(f"{{{RDF}}}Description"):
        if description.get(f"{{{RDF}}}about") is None:
            continue
        used |= {(_namespace(k), k.split("}")[-1]) for k in description.attrib if _namespace(k) != RDF}
        used |= {(_namespace(child.tag), child.tag.split("}")[-1]) for child in description}
    assert ("http://www.aiim.org/pdfua/ns/id/", "part") in used
    for namespace, name in used:
        assert namespace in PREDEFINED | DESCRIBING or name in described.get(namespace, {}), (namespace, name)


def test_the_archive_info_dictionary_agrees_with_its_xmp(built_archive: Path) -> None:
    """PDF/A-2 (6.6.2.3.1): each Info entry that XMP also has says the same there."""
    with pikepdf.open(built_archive / PDF_NAME) as pdf:
        info, meta = pdf.docinfo, pdf.open_metadata()
        assert str(info.Title) == meta["dc:title"]
        assert [str(info.Author)] == meta["dc:creator"]
        assert str(info.Subject) == meta["dc:description"]
        assert str(info.Creator) == meta["xmp:CreatorTool"]
        assert str(info.Producer) == meta["pdf:Producer"]
        for key, xmp in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
            assert str(info[key]) == "D:" + meta[xmp].replace("-", ""), key
        assert set(info.keys()) <= {"/Title", "/Author", "/Subject", "/Creator", "/Producer", "/CreationDate", "/ModDate"}


def test_pdf_a_2b_names_the_tagged_archive_copy(built_archive: Path, default_report_dir: Path) -> None:
    """--pdf-variant pdf/a-2b, the untagged archive copy of earlier releases, gives the PDF/A-2a
    file: it meets PDF/A-2b too."""
    html = (built_archive / "index.html").read_text(encoding="utf-8")
    assets = default_assets()
    result = render_pdf(html, default_report_dir, [*assets.style_dirs, *assets.template_dirs], variant="pdf/a-2b")
    assert result.warnings == []
    assert result.data == (built_archive / PDF_NAME).read_bytes()
