"""The WeasyPrint adapter: pinned to the version it patches, and the patches do what tul relies on."""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from render import engine
from render.errors import ReportError

PAGES = """<!DOCTYPE html><html lang="sv-SE"><head><meta charset="utf-8"><title>Sidor</title><style>
@page {{ size: A6; margin: 20mm 10mm; @top-right {{ content: "Sid " counter(page) " (" counter(pages) ")" }} }}
@page :first {{ @top-left {{ content: "FÖRSTA" }} }}
p {{ break-after: page }}
</style></head><body>{body}</body></html>"""


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def test_another_weasyprint_version_is_refused_with_what_to_install() -> None:
    with pytest.raises(engine.EngineError) as caught:
        engine.check_engine("71.0")
    message = caught.value.format_message()
    assert "WeasyPrint 70.0" in message and "found WeasyPrint 71.0" in message
    assert "pip install 'weasyprint==70.0'" in message
    assert isinstance(caught.value, ReportError)  # printed without a traceback, exit 1


def test_a_changed_internal_is_noticed() -> None:
    def make_margin_boxes(context, page, state, extra):  # type: ignore[no-untyped-def]
        return ()

    with pytest.raises(engine.EngineError, match=r"changed weasyprint.layout.make_margin_boxes"):
        engine.check_engine(internals={"weasyprint.layout.make_margin_boxes": (
            make_margin_boxes, ["context", "page", "state"])})
    with pytest.raises(engine.EngineError, match="has no weasyprint.pdf.add_tags"):
        engine.check_engine(internals={"weasyprint.pdf.add_tags": (None, [])})


def test_the_installed_weasyprint_has_what_the_adapter_patches() -> None:
    engine.check_engine()  # the originals, kept before patching
    import weasyprint.layout
    import weasyprint.layout.page
    import weasyprint.pdf
    import weasyprint.pdf.tags

    assert weasyprint.pdf.tags._build_box_tree is engine._noting_build_box_tree
    assert weasyprint.layout.make_margin_boxes is engine._deferring_make_margin_boxes
    assert weasyprint.layout.page.PageType is engine._offset_page_type
    assert weasyprint.pdf.add_tags is engine._tagging_with_fixed_references


def test_pages_are_numbered_when_written(tmp_path: Path) -> None:
    layout = engine.lay_out(PAGES.format(body="<p>ett</p><p>två</p><p>tre</p>"), tmp_path, [], "pdf/ua-1")
    assert layout.pages == 3
    pages = texts(layout.write(5, 9))
    assert all(f"Sid {5 + i} (9)" in text for i, text in enumerate(pages))
    assert "Sid 1 " not in "".join(pages)
    assert "FÖRSTA" in pages[0] and "FÖRSTA" not in pages[1]


def test_a_later_chunk_never_matches_the_first_page(tmp_path: Path) -> None:
    layout = engine.lay_out(PAGES.format(body="<p>ett</p><p>två</p>"), tmp_path, [], "pdf/ua-1", first=False)
    pages = texts(layout.write(3, 4))
    assert not any("FÖRSTA" in t for t in pages)
    assert "Sid 3 (4)" in pages[0] and "Sid 4 (4)" in pages[1]


def test_links_to_other_chunks_are_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    html = PAGES.format(body='<p><a href="#annan">till en annan del</a></p>')
    kept = engine.lay_out(html, tmp_path, [], "pdf/ua-1").write(1, 1, ["annan"])
    with pikepdf.open(BytesIO(kept)) as pdf:
        (link,) = [a for a in pdf.pages[0].obj.Annots if a.Subtype == "/Link"]
        assert str(link.Dest) == "annan" and str(link.Contents) == "till en annan del"
    layout = engine.lay_out(html, tmp_path, [], "pdf/ua-1")
    dropped = layout.write(1, 1)
    with pikepdf.open(BytesIO(dropped)) as pdf:
        assert "/Annots" not in pdf.pages[0].obj
    assert layout.warnings == ["No anchor #annan for internal URI reference"]
    assert layout.facts().anchors == {}
    caplog.clear()  # WeasyPrint's own log record: captured as a warning above, on purpose here


def test_facts_name_anchors_bookmarks_and_files_read(tmp_path: Path) -> None:
    font = tmp_path / "f.css"
    font.write_text("p { color: black }", encoding="utf-8")
    html = PAGES.format(body='<h1 id="rubrik">Rubrik</h1><p id="stycke">text</p><p>mer</p>').replace(
        "</head>", f'<link rel="stylesheet" href="{font.as_uri()}"></head>')
    layout = engine.lay_out(html, tmp_path, [], "pdf/ua-1")
    facts = layout.facts()
    assert facts.pages == 2
    assert set(facts.anchors) == {"rubrik", "stycke"} and facts.anchors["rubrik"][0] == 0
    assert [(b.page, b.level, b.label) for b in facts.bookmarks] == [(0, 1, "Rubrik")]
    assert list(facts.files) == [str(font.resolve())]


def test_files_outside_the_asset_folders_are_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    outside = tmp_path / "outside.css"
    outside.write_text("p { color: red }", encoding="utf-8")
    inside = tmp_path / "inside"
    inside.mkdir()
    html = PAGES.format(body="<p>x</p>").replace("</head>", f'<link rel="stylesheet" href="{outside.as_uri()}"></head>')
    caplog.set_level(logging.ERROR)
    layout = engine.lay_out(html, inside, [], "plain")
    assert any("outside the report's asset folders" in w for w in layout.warnings)
    assert layout.facts().files == {}
    caplog.clear()


def test_font_subsetting_gets_the_same_arrays_with_one_parsed_type() -> None:
    from weasyprint.text.ffi import ffi

    from render.engine import _ArrayTypesOnce

    wrapped = _ArrayTypesOnce(ffi)
    sized, unsized = ffi.new("hb_codepoint_t[3]", [7, 8, 9]), wrapped.new("hb_codepoint_t[3]", [7, 8, 9])
    assert list(unsized) == list(sized) == [7, 8, 9] and ffi.sizeof(unsized) == ffi.sizeof(sized)
    assert ffi.typeof(unsized) == ffi.typeof(wrapped.new("hb_codepoint_t[5]", [0, 1, 2, 3, 4]))  # one type, any length
    padded = wrapped.new("hb_codepoint_t[4]", [1, 2])  # shorter than declared: cffi's own rules, zeros after
    assert list(padded) == [1, 2, 0, 0]
    assert wrapped.NULL == ffi.NULL  # everything else is WeasyPrint's ffi itself
