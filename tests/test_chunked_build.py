"""The chunked PDF build: the same bytes for any --jobs and with or without the cache, the same
document as one layout, and an edit lays out only what it must."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from render.build import BuildOptions, build_report, default_assets, validate_report
from render.html import render_html, with_fonts
from render.pdf import render_pdf
from render.worker import Pool

PDF_NAME = "ks-t1-2020.pdf"
EDIT_FILE = "1-modern-storstad.yaml"
OLD_WORD = "Med anledning av coronapandemin är det troligt att målet inte kan nås."


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Pool]:
    with Pool(2) as pool:
        yield pool


def build(folder: Path, out: Path, pool: Pool | None = None, cache: bool = True, styles: tuple[Path, ...] = (),
          force: bool = False):  # type: ignore[no-untyped-def]
    options = BuildOptions(out_dir=out, strict=True, cache=cache, force=force,
                           assets=default_assets(style_dirs=styles))
    return build_report(folder, options, pool=(lambda: pool) if pool is not None else None)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def structure(data: bytes) -> tuple[Counter[str], list[tuple[int, str, int]], list[tuple[int, str]], dict[str, int]]:
    """Tag counts, outline (depth, title, page), links (page, target) and destinations (name -> page)."""
    with pikepdf.open(BytesIO(data)) as pdf:
        pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        tags: Counter[str] = Counter()
        stack = [pdf.Root.StructTreeRoot.K[0]]
        while stack:
            element = stack.pop()
            tags[str(element.S)] += 1
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    stack.append(kid)
        outline: list[tuple[int, str, int]] = []
        with pdf.open_outline() as tree:
            def walk(items, depth):  # type: ignore[no-untyped-def]
                for item in items:
                    outline.append((depth, item.title, pages[item.destination[0].objgen]))
                    walk(item.children, depth + 1)
            walk(tree.root, 0)
        links = [(i, str(a.get("/Dest", a.get("/A", {}).get("/URI", ""))))
                 for i, page in enumerate(pdf.pages) for a in page.obj.get("/Annots", []) if a.Subtype == "/Link"]
        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): pages[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        return tags, outline, links, dests


def test_any_jobs_with_or_without_cache_give_the_same_bytes(
        built_default: Path, default_report_dir: Path, tmp_path: Path, two_workers: Pool) -> None:
    reference = (built_default / PDF_NAME).read_bytes()
    parallel = build(default_report_dir, tmp_path / "parallel", two_workers, cache=False)
    assert parallel.chunks == 5 and parallel.laid_out == 5
    assert (tmp_path / "parallel" / parallel.slug / PDF_NAME).read_bytes() == reference
    assert not (tmp_path / "parallel" / ".cache").exists()
    # From the cache: nothing laid out, the same bytes.
    cached = build(default_report_dir, built_default.parent, cache=True, force=True)
    assert cached.laid_out == 0 and cached.chunks == 5
    assert (built_default / PDF_NAME).read_bytes() == reference


def test_a_wrong_guess_of_the_contents_length_is_written_again(
        built_default: Path, default_report_dir: Path, tmp_path: Path, two_workers: Pool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With workers to spare, the chunks are written while the contents page gets its numbers, from
    the first pages its unnumbered layout gives them; when that guess is wrong they are written again."""
    import render.pdf

    guessed: list[int] = []
    real = render.pdf._write_ahead

    def wrong_by_a_page(build_, slots, guesses, early):  # type: ignore[no-untyped-def]
        for guess in guesses.values():
            assert guess.facts is not None
            guess.facts = replace(guess.facts, pages=guess.facts.pages + 1)
        real(build_, slots, guesses, early)
        guessed.extend(w.start for w in early.values())

    monkeypatch.setattr(render.pdf, "_write_ahead", wrong_by_a_page)
    result = build(default_report_dir, tmp_path / "out", two_workers, cache=False)
    assert len(guessed) == 4 and result.chunks == 5 and result.laid_out == 5 and result.drawn == 5
    assert (tmp_path / "out" / result.slug / PDF_NAME).read_bytes() == (built_default / PDF_NAME).read_bytes()


def test_goal_pages_style_jobs_give_the_same_bytes(
        built_goal_pages: Path, default_report_dir: Path, goal_page_styles: Path, tmp_path: Path,
        two_workers: Pool) -> None:
    result = build(default_report_dir, tmp_path / "out", two_workers, cache=False, styles=(goal_page_styles,))
    # A chunk that prints page numbers may be laid out more than once: each chunk counts once.
    assert result.chunks == 8 and result.laid_out == 8
    assert (tmp_path / "out" / result.slug / PDF_NAME).read_bytes() == (built_goal_pages / PDF_NAME).read_bytes()


@pytest.mark.parametrize("style", ["house style", "inriktningsmål on new pages"])
def test_chunks_make_the_document_one_layout_makes(
        style: str, default_report_dir: Path, goal_page_styles: Path, two_workers: Pool) -> None:
    assets = default_assets(style_dirs=(goal_page_styles,) if style != "house style" else ())
    loaded, _ = validate_report(default_report_dir)
    html = with_fonts(render_html(loaded, assets, fonts=False), assets, embedded=False)
    roots = [*assets.style_dirs, *assets.template_dirs]
    whole = render_pdf(html, default_report_dir, roots, chunked=False)
    chunked = render_pdf(html, default_report_dir, roots, pool=two_workers)
    assert whole.chunks == 1 and chunked.chunks == (5 if style == "house style" else 8)
    assert chunked.pages == whole.pages and chunked.warnings == whole.warnings == []
    texts = page_texts(chunked.data)
    assert texts == page_texts(whole.data)
    for number, text in enumerate(texts, 1):
        assert f"Sid {number} ({len(texts)})" in text
    tags, outline, links, dests = structure(chunked.data)
    assert (tags, outline, links, dests) == structure(whole.data)
    assert len(links) == 123 and len(outline) == 65
    # The contents page's numbers are the pages the chapters start on.
    for title, page in re.findall(r"^(\d\.\d? ?\S.*?) \.{3,}\s*(\d+)$", texts[1], re.M):
        assert title[:30] in texts[int(page) - 1].replace("\n", " "), (title, page)


def test_each_font_face_is_embedded_once(built_default: Path, built_goal_pages: Path) -> None:
    for built in (built_default, built_goal_pages):
        with pikepdf.open(built / PDF_NAME) as pdf:
            programs: dict[str, set[tuple[int, int]]] = {}
            for page in pdf.pages:
                for font in page.Resources.Font.values():
                    descriptor = font.DescendantFonts[0].FontDescriptor
                    programs.setdefault(str(font.BaseFont), set()).add(descriptor.FontFile2.objgen)
            assert programs and all(len(files) == 1 for files in programs.values()), programs


def cache_files(out: Path) -> set[str]:
    return {str(p.relative_to(out)) for p in (out / ".cache").rglob("*") if p.is_file() and "manifests" not in p.parts}


def test_an_edit_lays_out_only_its_chunk(content_copy: Path, tmp_path: Path, two_workers: Pool) -> None:
    from render.build import build_many

    out = tmp_path / "out"
    options = BuildOptions(out_dir=out, strict=True)
    (first,) = list(build_many([content_copy], options, jobs=2))
    assert first.result is not None and first.result.laid_out == 5
    before = cache_files(out)
    target = content_copy / EDIT_FILE
    text = target.read_text(encoding="utf-8")
    assert OLD_WORD in text
    target.write_text(text.replace(OLD_WORD, OLD_WORD.replace("troligt", "sannolikt")), encoding="utf-8")
    (edited,) = list(build_many([content_copy], options, jobs=2))
    assert edited.result is not None and edited.result.chunks == 5
    assert (edited.result.laid_out, edited.result.drawn) == (1, 1)
    # The goal chunk's old entries made way for its new ones; the others were kept.
    after = cache_files(out)
    assert len(after) == len(before) and 0 < len(after - before) < len(after) // 2
    fresh = build(content_copy, tmp_path / "fresh", two_workers, cache=False)
    data = (out / fresh.slug / PDF_NAME).read_bytes()
    assert data == (tmp_path / "fresh" / fresh.slug / PDF_NAME).read_bytes()
    assert "sannolikt att målet" in "".join(page_texts(data))


def test_an_edit_that_adds_pages_renumbers_every_chunk(content_copy: Path, tmp_path: Path, two_workers: Pool) -> None:
    out = tmp_path / "out"
    first = build(content_copy, out, two_workers)
    target = content_copy / EDIT_FILE
    text = target.read_text(encoding="utf-8")
    longer = " ".join([OLD_WORD.replace(".", ",")] * 120) + " Slut."
    target.write_text(text.replace(OLD_WORD, longer), encoding="utf-8")
    edited = build(content_copy, out, two_workers)
    assert edited.pages > first.pages
    # The goal chunk and the contents (its numbers moved) laid out anew, and every chunk
    # drawn again with the new total (each page prints "Sid N (M)").
    assert (edited.laid_out, edited.drawn) == (2, 5)
    fresh = build(content_copy, tmp_path / "fresh", two_workers, cache=False)
    data = (out / edited.slug / PDF_NAME).read_bytes()
    assert data == (tmp_path / "fresh" / fresh.slug / PDF_NAME).read_bytes()
    texts = page_texts(data)
    assert all(f"Sid {n} ({len(texts)})" in t for n, t in enumerate(texts, 1))


def test_the_cache_stays_in_the_output_folder_and_a_damaged_entry_is_a_miss(
        built_default: Path, content_copy: Path, tmp_path: Path, two_workers: Pool) -> None:
    def files() -> set[Path]:
        return {p for p in tmp_path.rglob("*") if p.is_file()}

    before = files()
    out = tmp_path / "out"
    build(content_copy, out, two_workers)
    created = files() - before
    assert created and all(out in path.parents for path in created)
    entries = sorted((out / ".cache" / "pdf").iterdir())
    assert len(entries) == 5
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:100])
    again = build(content_copy, out, two_workers, force=True)
    assert (again.laid_out, again.drawn) == (0, 5)  # the finished chunks were unreadable: drawn again
    assert (out / again.slug / PDF_NAME).read_bytes() == (built_default / PDF_NAME).read_bytes()


def test_the_goal_per_page_theme_option_is_the_style_the_bench_measures(
        built_goal_pages: Path, default_report_dir: Path, tmp_path: Path) -> None:
    """theme.new_page_per_goal gives the very PDF of the stylesheet override the bench and tests use."""
    import shutil

    folder = tmp_path / "content" / default_report_dir.name
    shutil.copytree(default_report_dir, folder)
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert "\ntheme:" not in text
    report.write_text(text + "theme:\n  new_page_per_goal: true\n", encoding="utf-8")
    result = build(folder, tmp_path / "out", cache=False)
    assert result.chunks == 8
    assert (tmp_path / "out" / result.slug / PDF_NAME).read_bytes() == (built_goal_pages / PDF_NAME).read_bytes()
