"""Cutting the report's HTML into chunks: where, what each chunk holds, and what cannot be cut."""

from __future__ import annotations

import re

import pytest

from render import engine
from render.chunk import (
    SHARED_ATTRIBUTE,
    carried_state,
    compose,
    cuts,
    outline,
    skeleton,
    units,
    with_stubs,
)

HEAD = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>T</title>
<style>@media print {{ .part {{ break-before: page }} {extra} }}</style></head>"""
BODY = """<body><header class="rh">R</header>
<main>
<section class="front" id="front"><h1 id="titel">Titel</h1><p>Försättsblad</p></section>
<nav class="toc"><a href="#a">A</a> <a href="#b">B</a> <a href="#b-2">B2</a> <a href="#saknas">?</a></nav>
<section class="part" id="a"><h2 id="a-h">A</h2><p>text a</p></section>
<section class="part" id="b" style="color: red"><h2 id="b-h">B</h2>
<div class="goal" id="b-1"><p>b1</p></div>
<div class="goal" id="b-2"><p>b2 <a href="#a">till A</a></p></div>
</section>
</main>
<footer>F</footer>
</body></html>"""


def doc(extra: str = "") -> str:
    return HEAD.format(extra=extra) + BODY


def test_outline_finds_parts_their_children_and_links() -> None:
    source = outline(doc())
    assert source.unchunkable is None
    assert source.main is not None
    assert [p.tag for p in source.main.children] == ["section", "nav", "section", "section"]
    assert [c.attrs.get("id") for c in source.main.children[3].children] == ["b-h", "b-1", "b-2"]
    assert [u.name for u in units(source)][:4] == ["front", "titel", "tul-u0-1", "tul-u1"]
    assert {name for _, name in source.links} == {"a", "b", "b-2", "saknas"}
    html = source.html
    assert all(html[p.start : p.end].startswith(f"<{p.tag}") and html[p.start : p.end].endswith(f"</{p.tag}>")
               for p in source.main.children)


def test_cuts_start_where_a_page_starts() -> None:
    source = outline(doc())
    candidates = units(source)
    pages = {u.name: 0 for u in candidates}
    pages.update({"a": 1, "a-h": 1, "b": 2, "b-h": 2, "b-1": 2, "b-2": 3})
    starts = cuts(candidates, pages)
    assert [candidates[i].name for i in starts] == ["front", "a", "b", "b-2"]
    # Not displayed (no page): never a cut; the next displayed candidate on the new page is.
    del pages["a"]
    assert [candidates[i].name for i in cuts(candidates, pages)] == ["front", "a-h", "b", "b-2"]


def test_compose_keeps_other_chunks_as_hidden_placeholders() -> None:
    source = outline(doc())
    candidates = units(source)
    names = [u.name for u in candidates]
    chunks = compose(source, candidates, [0, names.index("a"), names.index("b")])
    assert len(chunks) == 3
    first, middle, last = chunks
    # Each chunk is a whole document with the same head.
    assert all(c.html.startswith(HEAD.format(extra="")) and c.html.endswith("</body></html>") for c in chunks)
    # Other chunks' parts: empty, hidden, without their id (an anchor belongs to one chunk).
    assert '<section style="display:none!important" class="part"></section>' in first.html
    assert "text a" in middle.html and "text a" not in first.html and "text a" not in last.html
    assert middle.html.count('style="display:none!important"') == 5  # header, front, toc, part b, footer
    assert "<footer>F</footer>" in last.html and "<footer>F</footer>" not in middle.html
    assert '<header class="rh">R</header>' in first.html
    assert first.anchors == {"front", "titel"} and middle.anchors == {"a", "a-h"}
    assert last.anchors == {"b", "b-h", "b-1", "b-2"}
    assert first.links == {"a", "b", "b-2", "saknas"} and last.links == {"a"}
    assert all(f'<main {SHARED_ATTRIBUTE}="0"' in c.html for c in chunks)


def test_a_part_cut_in_two_is_shared_without_repeating_its_box() -> None:
    source = outline(doc())
    candidates = units(source)
    names = [u.name for u in candidates]
    chunks = compose(source, candidates, [0, names.index("b-2")])
    before, after = chunks
    opening = re.compile(rf'<section {SHARED_ATTRIBUTE}="4" class="part" id="b" style="([^"]*)"')
    first_style = opening.search(before.html)
    later_style = opening.search(after.html)
    assert first_style and later_style
    # The piece that starts the part keeps its top; the one that ends it keeps its bottom;
    # the author's own style attribute follows ours.
    assert first_style.group(1).startswith("margin-bottom:0!important") and "margin-top" not in first_style.group(1)
    assert later_style.group(1).startswith("margin-top:0!important") and "margin-bottom" not in later_style.group(1)
    assert first_style.group(1).endswith("color: red") and later_style.group(1).endswith("color: red")
    assert "b1" in before.html and "b1" not in after.html and "b2" in after.html
    # The part's id belongs to the chunk where it starts.
    assert "b" in before.anchors and "b" not in after.anchors
    assert '<div style="display:none!important" class="goal"></div>' in after.html


def test_one_chunk_when_nothing_is_cut() -> None:
    source = outline(doc())
    (only,) = compose(source, units(source), [0])
    assert only.html == source.html and SHARED_ATTRIBUTE not in only.html


def test_stubs_carry_page_numbers_in_a_running_element() -> None:
    source = outline(doc())
    candidates = units(source)
    names = [u.name for u in candidates]
    toc = compose(source, candidates, [0, names.index("a")])[0]
    html = with_stubs(toc, {"b": 7, 'x"y': 9})
    assert html.index("position:running(tul-stubs)") < html.index("</body>")
    assert '<span id="b" style="counter-reset:page 7"></span>' in html
    assert '<span id="x&quot;y" style="counter-reset:page 9"></span>' in html
    assert with_stubs(toc, {}) == toc.html


@pytest.mark.parametrize(("css", "reason"), [
    ("h2 { counter-increment: section }", "CSS counters"),
    ("h2 { string-set: chapter content() }", "named strings"),
    ("@page :left { margin-left: 3cm }", "left/right or :nth() page selectors"),
    ("@page :nth(3) { margin: 1cm }", "left/right or :nth() page selectors"),
    (".part { break-before: right }", "left/right page breaks"),
    ("p { margin-break: discard }", "margin-break"),
    (".note { float: footnote }", "footnotes"),
    (".logo { position: fixed }", "fixed positioning"),
    (".part { box-decoration-break: clone }", "box-decoration-break: clone"),
    ("a::after { content: target-counter(attr(href url), chapter) }", "target-counter() of a counter other than page"),
    ("a::after { content: target-text(attr(href url)) }", "target-text() or target-counters()"),
    ("@page { @top-center { content: element(header) } }", "a running element outside @page :first"),
])
def test_state_that_crosses_a_page_break_means_one_chunk(css: str, reason: str) -> None:
    found = carried_state(css)
    assert found is not None and reason in found
    source = outline(doc(css))
    assert source.unchunkable is not None and reason in source.unchunkable


def test_the_house_style_can_be_cut(default_report_dir) -> None:  # type: ignore[no-untyped-def]
    from render.build import default_assets

    css = (default_assets().style_dirs[-1] / "report.css").read_text(encoding="utf-8")
    assert carried_state(css) is None
    assert carried_state("@page :first { @bottom-center { content: element(fpfooter) } } /* element(x) */") is None
    assert carried_state("a::after { content: leader('.') target-counter(attr(href url), page) }") is None


def test_skeleton_layout_finds_the_forced_breaks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = outline(doc(".goal + .goal { break-before: page } .front { margin-bottom: 900px }"))
    plan = skeleton(source)
    assert "text a" not in plan and "b1" not in plan  # emptied
    pages = engine.page_of_anchors(plan, tmp_path, [])
    candidates = units(source)
    assert [candidates[i].name for i in cuts(candidates, pages)] == ["front", "a", "b", "b-2"]


def test_engine_and_planner_agree_on_the_shared_attribute() -> None:
    assert engine.SHARED_ATTRIBUTE == SHARED_ATTRIBUTE
