"""A PDF's structure tree and the text of its marked content, read with pikepdf only.

What a screen reader follows: each structure element's text is the text of its marked
content and its kids', in the order the tree gives them. The text is decoded glyph by
glyph through each font's ToUnicode map, with nothing added: no space or line break that
a text extractor would guess from positions (pypdf and pdftotext both do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

Mark = tuple[int, int]  # (page index, MCID)


@dataclass
class Elem:
    """A structure element and its kids in order: elements, marks (page, mcid) and OBJR dictionaries."""

    obj: pikepdf.Dictionary
    tag: str
    items: list[Elem | Mark | pikepdf.Dictionary] = field(default_factory=list)

    @property
    def kids(self) -> list[Elem]:
        return [item for item in self.items if isinstance(item, Elem)]

    @property
    def objrs(self) -> list[pikepdf.Dictionary]:
        return [item for item in self.items if isinstance(item, pikepdf.Dictionary)]

    @property
    def marks(self) -> list[Mark]:
        """This element's own marked content (not its kids')."""
        return [item for item in self.items if isinstance(item, tuple)]

    def all_marks(self) -> list[Mark]:
        """Every marked-content sequence at or below this element."""
        return [m for e in self.walk() for m in e.marks]

    def walk(self) -> list[Elem]:
        out = [self]
        for kid in self.kids:
            out.extend(kid.walk())
        return out

    def text(self, texts: dict[Mark, str]) -> str:
        """The text of every mark below this element, in tree order, as drawn."""
        return "".join(item.text(texts) if isinstance(item, Elem) else texts.get(item, "")
                       for item in self.items if not isinstance(item, pikepdf.Dictionary))


def structure(pdf: pikepdf.Pdf) -> Elem:
    """The /Document element of `pdf`'s structure tree."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

    def kids(obj: pikepdf.Object) -> list[pikepdf.Object]:
        k = obj.get("/K")
        return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]

    def load(obj: pikepdf.Dictionary, page: int | None) -> Elem:
        page = pages[obj.Pg.objgen] if "/Pg" in obj else page
        elem = Elem(obj, str(obj.S))
        for kid in kids(obj):
            if isinstance(kid, int):
                assert page is not None
                elem.items.append((page, int(kid)))
            elif kid.get("/Type") == "/MCR":
                elem.items.append((pages[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                elem.items.append(kid)
            else:
                elem.items.append(load(kid, page))
        return elem

    (document,) = kids(pdf.Root.StructTreeRoot)
    return load(document, None)


def id_tree(pdf: pikepdf.Pdf) -> dict[bytes, pikepdf.Dictionary]:
    """/IDTree as a dict (a flat /Names array, as tul writes it)."""
    tree = pdf.Root.StructTreeRoot.get("/IDTree")
    if tree is None:
        return {}
    names = tree.Names
    return {bytes(names[i]): names[i + 1] for i in range(0, len(names), 2)}


def attribute(obj: pikepdf.Dictionary, key: str) -> pikepdf.Object | None:
    """`key` in the element's /A attribute dictionary (or array of them)."""
    attributes = obj.get("/A")
    for entry in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(entry, pikepdf.Dictionary) and key in entry:
            return entry[key]
    return None


def _cmap(data: bytes) -> dict[int, str]:
    text = data.decode("latin-1")
    mapping: dict[int, str] = {}

    def unicode(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            mapping[int(code, 16)] = unicode(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, rest in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])", block):
            values = re.findall(r"<([0-9a-fA-F]*)>", rest)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                if rest.startswith("["):
                    mapping[code] = unicode(values[offset])
                else:
                    first = bytes.fromhex(values[0])
                    last = int.from_bytes(first[-2:], "big") + offset
                    mapping[code] = (first[:-2] + last.to_bytes(2, "big")).decode("utf-16-be")
    return mapping


def marked_texts(pdf: pikepdf.Pdf) -> dict[Mark, str]:
    """The text drawn inside each marked-content sequence with an MCID, decoded through ToUnicode."""
    texts: dict[Mark, str] = {}
    maps: dict[tuple[int, int], tuple[dict[int, str], int]] = {}
    for index, page in enumerate(pdf.pages):
        resources = page.obj.get("/Resources")
        fonts = dict(resources.get("/Font", {}).items()) if resources is not None else {}
        stack: list[int | None] = []
        font: tuple[dict[int, str], int] = ({}, 2)
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                properties = operands[1]
                stack.append(int(properties.MCID) if isinstance(properties, pikepdf.Dictionary)
                             and "/MCID" in properties else None)
            elif op == "BMC":
                stack.append(None)
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                obj = fonts[str(operands[0])]
                if obj.objgen not in maps:
                    width = 2 if obj.get("/Subtype") == "/Type0" else 1
                    maps[obj.objgen] = (_cmap(obj.ToUnicode.read_bytes()) if "/ToUnicode" in obj else {}, width)
                font = maps[obj.objgen]
            elif op in ("Tj", "TJ", "'", '"') and stack and stack[-1] is not None:
                strings = operands[0] if op == "TJ" else [operands[-1]]
                mapping, width = font
                drawn = []
                for item in strings:
                    if isinstance(item, pikepdf.String):
                        data = bytes(item)
                        drawn.extend(mapping.get(int.from_bytes(data[i : i + width], "big"), "\ufffd")
                                     for i in range(0, len(data), width))
                key = (index, stack[-1])
                texts[key] = texts.get(key, "") + "".join(drawn)
    return texts


def open_pdf(path: Path) -> pikepdf.Pdf:
    """Open a PDF for reading (a context manager)."""
    return pikepdf.open(path)
