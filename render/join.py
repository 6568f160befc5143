"""Joins the finished PDFs of a report's chunks into one document.

Pages are appended in order; the structure trees become one (elements that
several chunks share, such as <main>, merged back into one element), /ParentTree,
/StructParents and /IDTree are re-keyed, named destinations and the outline are
built anew from every chunk's anchors and bookmarks, and the fonts of one face
are merged so that each face is embedded once. The first chunk gives the
document catalog (language, metadata, output intent). Everything is a pure
function of the inputs, so the joined file is byte-for-byte reproducible.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from render.pdfua import NOTE_SHARED, finish_metadata, write_id_tree

BookmarkEntry = tuple[int, int, str, float, float, bool]  # chunk page, level, label, x, y, open


@dataclass(frozen=True)
class Piece:
    """A chunk's finished PDF with its anchors and bookmarks (pages counted within the chunk)."""

    data: bytes
    anchors: dict[str, tuple[int, float, float]]
    bookmarks: list[BookmarkEntry]


FontMerger = Callable[[list[bytes]], bytes]


def join(pieces: list[Piece], variant: str, lang: str, title: str, merge_fonts: FontMerger) -> bytes:
    """One PDF of `pieces`, in order, finished for `variant` with `lang` and `title`."""
    sources = [pikepdf.open(BytesIO(piece.data)) for piece in pieces]
    try:
        out = sources[0]
        offsets = [0]
        roots = [out.Root.get("/StructTreeRoot")]
        for source in sources[1:]:
            offsets.append(len(out.pages))
            with warnings.catch_warnings():  # named destinations are written anew below
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                out.pages.extend(source.pages)
            tree = source.Root.get("/StructTreeRoot")
            roots.append(out.copy_foreign(tree) if tree is not None else None)
        offsets.append(len(out.pages))
        if roots[0] is not None:
            _join_structure(out, [r for r in roots if r is not None], offsets, len(sources))
        _merge_fonts(out, offsets, merge_fonts)
        _write_destinations(out, pieces, offsets)
        _write_outline(out, pieces, offsets)
        finish_metadata(out, variant, lang, title)
        stream = BytesIO()
        # deterministic_id: qpdf derives /ID from the content instead of the clock.
        out.save(stream, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return stream.getvalue()
    finally:
        for source in sources:
            source.close()


# ---------- structure ----------


def _kids(obj: pikepdf.Object) -> list[pikepdf.Object]:
    kids = obj.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(kid: pikepdf.Object) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR")


class _Merger:
    """Appends the chunks' structure elements to the first chunk's, merging shared ones."""

    def __init__(self) -> None:
        self.replaced: dict[tuple[int, int], pikepdf.Object] = {}  # absorbed element -> the one kept
        self.shared: list[pikepdf.Object] = []

    def append(self, target: pikepdf.Object, new: list[pikepdf.Object]) -> None:
        kids = _kids(target)
        if kids and new and self._same(kids[-1], new[0]):
            self.merge(kids[-1], new[0])
            new = new[1:]
        for kid in new:
            if _is_element(kid):
                kid.P = target
        target.K = Array([*kids, *new])

    def merge(self, kept: pikepdf.Object, absorbed: pikepdf.Object) -> None:
        """`absorbed` is the same element as `kept`, continued in a later chunk."""
        self.replaced[absorbed.objgen] = kept
        moved = []
        for kid in _kids(absorbed):
            if isinstance(kid, int) and "/Pg" in absorbed:  # content marked on the later chunk's page
                kid = Dictionary(Type=Name.MCR, Pg=absorbed.Pg, MCID=int(kid))
            moved.append(kid)
        self.append(kept, moved)

    def _same(self, before: pikepdf.Object, after: pikepdf.Object) -> bool:
        if not (_is_element(before) and _is_element(after)):
            return False
        if NOTE_SHARED not in before or NOTE_SHARED not in after:
            return False
        same = int(before[NOTE_SHARED]) == int(after[NOTE_SHARED]) and before.S == after.S
        if same:
            self.shared.append(before)
        return same

    def owner(self, element: pikepdf.Object) -> pikepdf.Object:
        """The element that now stands for `element` (itself unless it was merged away)."""
        return self.replaced.get(element.objgen, element) if isinstance(element, Dictionary) else element


def _join_structure(out: pikepdf.Pdf, roots: list[pikepdf.Object], offsets: list[int], chunks: int) -> None:
    """One structure tree, /ParentTree and /IDTree for the joined pages."""
    root = roots[0]
    (document,) = _kids(root)
    merger = _Merger()
    for later in roots[1:]:
        (other,) = _kids(later)
        merger.append(document, _kids(other))
    for element in [document, *_top_elements(document)]:
        if NOTE_SHARED in element:
            del element[NOTE_SHARED]
    nums = Array()
    annotations: list[tuple[pikepdf.Object, pikepdf.Object]] = []
    for chunk, tree in enumerate(roots):
        first, end = offsets[chunk], offsets[chunk + 1]
        owners = _parent_tree(tree)
        for index in range(first, end):
            page = out.pages[index]
            local = index - first
            page.obj.StructParents = index
            nums.append(index)
            nums.append(Array([merger.owner(o) for o in owners.get(local, Array())]))
            for annotation in page.obj.get("/Annots", Array()):
                key = annotation.get("/StructParent")
                if key is not None and int(key) in owners:
                    annotations.append((annotation, merger.owner(owners[int(key)])))
    total = offsets[-1]
    for offset, (annotation, owner) in enumerate(annotations):
        annotation.StructParent = total + offset
        nums.append(total + offset)
        nums.append(owner)
    root.ParentTree = out.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = total + len(annotations)
    names: list[tuple[bytes, pikepdf.Object]] = []
    for tree in roots:
        id_tree = tree.get("/IDTree")
        if id_tree is not None:
            entries = id_tree.Names
            names.extend((bytes(entries[i]), entries[i + 1]) for i in range(0, len(entries), 2))
    write_id_tree(out, root, names)
    root.K = Array([document])
    document.P = root


def _top_elements(document: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """The elements a chunk boundary can cut through: first and last kids, down the tree."""
    stack = [document]
    while stack:
        element = stack.pop()
        kids = [k for k in _kids(element) if _is_element(k)]
        for kid in kids:
            if NOTE_SHARED in kid:
                yield kid
                stack.append(kid)


def _parent_tree(tree: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """A chunk's /ParentTree as written by render.pdfua: one flat /Nums."""
    nums = tree.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


# ---------- destinations and outline ----------


def _write_destinations(out: pikepdf.Pdf, pieces: list[Piece], offsets: list[int]) -> None:
    """Named destinations of every anchor, the first one of a name winning (as WeasyPrint does)."""
    places: dict[str, tuple[int, float, float]] = {}
    for chunk, piece in enumerate(pieces):
        for name, (page, x, y) in sorted(piece.anchors.items(), key=lambda item: item[1][0]):
            places.setdefault(name, (offsets[chunk] + page, x, y))
    names = Array()
    for name in sorted(places):
        page, x, y = places[name]
        names.append(String(name))
        names.append(Array([out.pages[page].obj, Name.XYZ, x, y, 0]))
    catalog_names = out.Root.get("/Names")
    if not places:
        if catalog_names is not None and "/Dests" in catalog_names:
            del catalog_names.Dests
        return
    if catalog_names is None:
        out.Root.Names = Dictionary()
    out.Root.Names.Dests = Dictionary(Names=names)


def _write_outline(out: pikepdf.Pdf, pieces: list[Piece], offsets: list[int]) -> None:
    """The bookmark tree, built from CSS bookmark levels as WeasyPrint builds it."""
    entries = [(offsets[chunk] + page, level, label, x, y, open_)
               for chunk, piece in enumerate(pieces) for (page, level, label, x, y, open_) in piece.bookmarks]
    roots: list[list] = []  # [label, page, x, y, open, children]
    skipped: list[int] = []
    last_by_depth: list[list] = [roots]
    previous = 0
    for page, level, label, x, y, open_ in entries:
        # WeasyPrint 70's make_page_bookmark_tree: skipped levels do not make empty entries.
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list = []
        last_by_depth[depth - 1].append([label, page, x, y, open_, children])
        del last_by_depth[depth:]
        last_by_depth.append(children)
    if "/Outlines" in out.Root:
        del out.Root.Outlines
    if not roots:
        return
    top = out.make_indirect(Dictionary(Type=Name.Outlines))
    items, count = _outline_items(out, roots, top)
    top.First, top.Last, top.Count = items[0], items[-1], count
    out.Root.Outlines = top


def _outline_items(out: pikepdf.Pdf, entries: list[list], parent: pikepdf.Object) -> tuple[list[pikepdf.Object], int]:
    items: list[pikepdf.Object] = []
    count = len(entries)
    for label, page, x, y, open_, children in entries:
        item = out.make_indirect(Dictionary(Title=String(label), Parent=parent,
                                            Dest=Array([out.pages[page].obj, Name.XYZ, x, y, 0])))
        kids, kids_count = _outline_items(out, children, item)
        item.Count = kids_count if open_ else -kids_count
        if open_:
            count += kids_count
        if kids:
            item.First, item.Last = kids[0], kids[-1]
        if items:
            item.Prev = items[-1]
            items[-1].Next = item
        items.append(item)
    return items, count


# ---------- fonts ----------


def _merge_fonts(out: pikepdf.Pdf, offsets: list[int], merge_fonts: FontMerger) -> None:
    """One font object per face: the chunks' subsets merged, widths and Unicode maps united."""
    resources: list[pikepdf.Object] = []
    seen: set[tuple[int, int]] = set()
    for index in offsets[:-1]:
        if index >= len(out.pages):
            continue
        resource = out.pages[index].obj.get("/Resources")
        if resource is not None and resource.objgen not in seen and "/Font" in resource:
            seen.add(resource.objgen)
            resources.append(resource)
    faces: dict[str, list[pikepdf.Object]] = {}
    for resource in resources:
        for name, font in resource.Font.items():
            faces.setdefault(str(font.get("/BaseFont", name)), []).append(font)
    for fonts in faces.values():
        unique = list({font.objgen: font for font in fonts}.values())
        if len(unique) < 2 or not all(_mergeable(font) for font in unique):
            continue
        merged = _merged_font(out, unique, merge_fonts)
        for resource in resources:
            for name, font in list(resource.Font.items()):
                if font.objgen in {f.objgen for f in unique}:
                    resource.Font[name] = merged


def _mergeable(font: pikepdf.Object) -> bool:
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return False
    (descendant,) = list(font.DescendantFonts)
    return (descendant.get("/Subtype") == "/CIDFontType2" and "/FontFile2" in descendant.FontDescriptor
            and descendant.get("/CIDToGIDMap") == "/Identity" and "/ToUnicode" in font)


def _merged_font(out: pikepdf.Pdf, fonts: list[pikepdf.Object], merge_fonts: FontMerger) -> pikepdf.Object:
    first = fonts[0]
    descendants = [font.DescendantFonts[0] for font in fonts]
    widths: dict[int, Any] = {}
    unicode: dict[int, str] = {}
    for font, descendant in zip(fonts, descendants, strict=True):
        for cid, width in _widths(descendant.get("/W", Array())).items():
            widths.setdefault(cid, width)
        for cid, text in _to_unicode(font.ToUnicode.read_bytes()).items():
            unicode.setdefault(cid, text)
    program = merge_fonts([bytes(d.FontDescriptor.FontFile2.read_bytes()) for d in descendants])
    descriptor = first.DescendantFonts[0].FontDescriptor
    file_stream = out.make_stream(program)
    file_stream.Length1 = len(program)
    new_descriptor = out.make_indirect(Dictionary({k: v for k, v in descriptor.items()}))
    new_descriptor.FontFile2 = file_stream
    bbox: list[Any] = list(descriptor.FontBBox)
    bbox[2] = max(widths.values()) if widths else 0
    new_descriptor.FontBBox = Array(bbox)
    new_descriptor.CapHeight = bbox[3]
    if "/CIDSet" in descriptor:
        new_descriptor.CIDSet = out.make_stream(_cid_set(widths))
    descendant = out.make_indirect(Dictionary({k: v for k, v in first.DescendantFonts[0].items()}))
    descendant.W = _width_array(widths)
    descendant.FontDescriptor = new_descriptor
    merged = out.make_indirect(Dictionary({k: v for k, v in first.items()}))
    merged.DescendantFonts = Array([descendant])
    merged.ToUnicode = out.make_stream(_cmap(unicode))
    return merged


def _widths(array: pikepdf.Object) -> dict[int, Any]:
    """A CID font's /W (only the `c [w1 w2 ...]` form, which WeasyPrint writes)."""
    found: dict[int, Any] = {}
    items = list(array)
    for i in range(0, len(items) - 1, 2):
        start, widths = int(items[i]), items[i + 1]
        for offset, width in enumerate(widths):
            found[start + offset] = width
    return found


def _width_array(widths: dict[int, Any]) -> Array:
    array = Array()
    run: Array | None = None
    for cid in sorted(widths):
        if run is None or cid - 1 not in widths:
            run = Array()
            array.append(cid)
            array.append(run)
        run.append(widths[cid])
    return array


_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """The bfchar entries of a ToUnicode CMap (WeasyPrint writes only those)."""
    found: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in _BFCHAR.findall(block):
            found[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    return found


def _cmap(unicode: dict[int, str]) -> bytes:
    """A ToUnicode CMap in WeasyPrint's layout."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(f"<{cid:04x}> <{text.encode('utf-16-be').hex()}>".encode() for cid, text in batch)
        lines.append(b"endbfchar")
    lines.extend([b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"])
    return b"\n".join(lines)


def _cid_set(widths: dict[int, Any]) -> bytes:
    size = (max(widths) // 8 + 1) if widths else 1
    bits = bytearray(size)
    for cid in widths:
        bits[cid // 8] |= 0x80 >> (cid % 8)
    return bytes(bits)
