"""Finishes WeasyPrint's PDF for its variant: the only module that imports pikepdf.

WeasyPrint 70 tags a PDF/UA-1 document page by page and line by line: an element
that crosses a page break becomes one structure element per page, a link that
wraps one Link per line, a table's repeated header row is tagged again on every
page, the page margins (running header, footer) are tagged content hanging
outside the structure tree instead of artifacts, decorative (aria-hidden) SVGs
and leader dots are tagged, an <li>'s paragraph sits right in the LI, a link's
::after is a Link inside the Link, table cells' /Headers are guessed by position
(a row group's heading taken for a column header), no TH has /Scope, and there is
no /IDTree for the header cells' /IDs. render.engine leaves notes on the
structure elements (/TulKey: which HTML element; /TulArtifact: which kind of
artifact; /TulID and /TulHeaders: a cell's HTML id and headers), and this module
rebuilds the tree from them: fragments merged, repeats, margins and decorations
turned into artifacts in the content streams, marked-content ids renumbered,
cells named as the HTML names them, /ParentTree and /IDTree written anew.

The archive copy (PDF/A-2a) is tagged and finished the same way, and says in its
XMP that it is PDF/UA-1 too, with the description PDF/A asks for such a schema.

A report laid out in chunks (render.chunk) is finished chunk by chunk: the
elements several chunks share (<main>, a part cut in two) keep a /TulShared note
for render.join, and the header-cell /IDs made up for cells without an HTML id
(a Markdown table's) get the chunk's prefix so they stay unique.

Everything is a pure function of the input bytes, so a build stays byte-for-byte
reproducible: no clock, and an /ID that qpdf derives from the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, String

# The variants whose PDF is tagged and finished here: PDF/UA-1, and the archive copy, PDF/A-2a,
# which is tagged the same way and also says it is PDF/UA-1.
TAGGED_VARIANTS = ("pdf/ua-1", "pdf/a-2a")
# The notes render.engine leaves on WeasyPrint's structure elements; none survives finishing.
NOTE_KEY = "/TulKey"  # int: the HTML element (and pseudo-element) the structure element comes from
NOTE_ARTIFACT = "/TulArtifact"  # name: /Header, /Footer, /Pagination or /Layout
NOTE_SHARED = "/TulShared"  # int: an element several chunks share; render.join merges and removes it
NOTE_ID = "/TulID"  # string: a header cell's HTML id, or a made-up one starting with LOCAL_ID
NOTE_HEADERS = "/TulHeaders"  # array of strings: the ids of a cell's header cells, in reading order
NOTES = (NOTE_KEY, NOTE_ARTIFACT, NOTE_SHARED, NOTE_ID, NOTE_HEADERS)
# Starts the id of a header cell without an HTML id (a Markdown table's): it gets the chunk's
# prefix. An HTML parser turns NUL into U+FFFD, so no HTML id starts with it.
LOCAL_ID = "\x00"
# The artifact property lists written in place of a dropped element's marks.
_ARTIFACT_PROPERTIES = {
    "/Header": {"/Type": Name.Pagination, "/Subtype": Name.Header},
    "/Footer": {"/Type": Name.Pagination, "/Subtype": Name.Footer},
    "/Pagination": {"/Type": Name.Pagination},
    "/Layout": {"/Type": Name.Layout},
}
_EMPTY_DROPPABLE = {"/NonStruct", "/Span"}  # empty ones say nothing (from <br>, empty text)
_REPEATED_PARTS = {"/THead", "/TFoot"}  # printed again on each page a table crosses
# Elements whose content may be marked content directly (not grouping elements such as L, LI, TR).
_TEXT_HOLDERS = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/TD", "/TH", "/Lbl", "/LBody", "/Caption",
                 "/Span", "/BlockQuote", "/Quote", "/Code", "/Em", "/Strong", "/Note", "/Reference"}
_SPAN_SAYS = ("/A", "/Alt", "/ActualText", "/E", "/Lang", "/ID", NOTE_ARTIFACT, NOTE_SHARED)
# Inline elements: cut into one structure element per line, merged back into one.
_INLINE = {"/Link", "/Span", "/Em", "/Strong", "/Quote", "/Code", "/Reference", "/NonStruct"}


@dataclass(frozen=True)
class _Marked:
    """One marked-content sequence: (page index, MCID) in WeasyPrint's numbering."""

    page: int
    mcid: int


@dataclass
class _Node:
    """A structure element and its kids, as they will be written back."""

    obj: pikepdf.Object
    page: int | None
    kids: list[_Kid] = field(default_factory=list)
    cached_span: tuple[int, int] | None = None

    @property
    def tag(self) -> str:
        return str(self.obj.S)

    @property
    def key(self) -> int | None:
        return int(self.obj[NOTE_KEY]) if NOTE_KEY in self.obj else None

    def span(self) -> tuple[int, int] | None:
        """First and last page of this element's content; cached, merges keep it up to date."""
        if self.cached_span is None:
            found = [self.page] if self.page is not None else []
            for kid in self.kids:
                if isinstance(kid, _Marked):
                    found.append(kid.page)
                elif isinstance(kid, _Node) and (inner := kid.span()) is not None:
                    found.extend(inner)
            self.cached_span = (min(found), max(found)) if found else None
        return self.cached_span

    def absorb(self, later: _Node) -> None:
        """Take the kids of `later`, the same element continued on a later page."""
        self.kids.extend(later.kids)
        spans = [s for s in (self.span(), later.span()) if s is not None]
        self.cached_span = (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None

    def walk(self) -> list[_Node]:
        """This node and every node below it, in document order."""
        out = [self]
        for kid in self.kids:
            if isinstance(kid, _Node):
                out.extend(kid.walk())
        return out

    def marked(self) -> list[_Marked]:
        """Every marked-content sequence below this node."""
        return [k for node in self.walk() for k in node.kids if isinstance(k, _Marked)]


_Kid = _Node | _Marked | pikepdf.Object  # a Dictionary kid is an /OBJR


def finish_chunk(data: bytes, variant: str, chunk: int) -> bytes:
    """Rebuild one chunk's structure tree for render.join; metadata is the joined document's business."""
    if variant not in TAGGED_VARIANTS:
        return data
    with pikepdf.open(BytesIO(data)) as pdf:
        _accessible(pdf, f"c{chunk}-".encode(), keep_shared=True)
        out = BytesIO()
        # Read once more by render.join only: no object streams, which are slow to write and read.
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def finish_metadata(pdf: pikepdf.Pdf, variant: str, lang: str, title: str) -> None:
    """Language, title and dates wherever a reader looks for them; the archive copy's PDF/UA claim."""
    if lang and not str(pdf.Root.get("/Lang", "")):
        pdf.Root.Lang = String(lang)
    if title and not str(pdf.docinfo.get("/Title", "")):
        pdf.docinfo.Title = String(title)
    if title and not pdf.open_metadata().get("dc:title"):
        # Opened for writing only when needed: rewriting the XMP packet is not a no-op.
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = title
    if variant in TAGGED_VARIANTS:
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        pdf.Root.MarkInfo = Dictionary(Marked=True)
    if variant != "plain":
        _amend_xmp(pdf, variant)


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XMP = "http://ns.adobe.com/xap/1.0/"
# The archive copy is PDF/A-2a and PDF/UA-1 at once. PDF/A admits only the XMP schemas it
# names, or ones described in the packet (ISO 19005-2 6.6.2.3.2): pdfuaid is described here.
_PDFUA_CLAIM = f"""<rdf:Description xmlns:rdf="{_RDF}" rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
pdfuaid:part="1"/>
<rdf:Description xmlns:rdf="{_RDF}" rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def _amend_xmp(pdf: pikepdf.Pdf, variant: str) -> None:
    """xmp:MetadataDate (the modification date: the packet changes with the content only) and,
    in the archive copy, the PDF/UA-1 claim with its schema, added to WeasyPrint's packet."""
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return
    packet = stream.read_bytes()
    end = packet.rfind(b"</rdf:RDF>")
    if end < 0:
        return
    meta = pdf.open_metadata()
    added = ""
    date = meta.get("xmp:ModifyDate") or meta.get("xmp:CreateDate")
    if date and not meta.get("xmp:MetadataDate"):
        added += (f'<rdf:Description xmlns:rdf="{_RDF}" rdf:about="" xmlns:xmp="{_XMP}">'
                  f"<xmp:MetadataDate>{escape(date)}</xmp:MetadataDate></rdf:Description>\n")
    if variant == "pdf/a-2a" and not meta.get("pdfuaid:part"):
        added += _PDFUA_CLAIM
    if added:
        stream.write(packet[:end] + added.encode() + packet[end:])


def _accessible(pdf: pikepdf.Pdf, id_prefix: bytes, keep_shared: bool) -> None:
    """Rebuild the structure tree, the content marks, /ParentTree and /IDTree."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        raise ValueError("WeasyPrint wrote no structure tree for a PDF/UA document")
    page_index = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    owners = _old_owners(root, len(pdf.pages))
    document = _load(_kids_of(root)[0], None, page_index)

    rebuilder = _Rebuilder(pdf)
    rebuilder.rebuild(document)
    _name_cells(document, id_prefix)

    live = document.marked()
    live_set = set(live)
    kinds: dict[_Marked, str | None] = {}
    for marked, owner in owners.items():
        if marked not in live_set:
            kinds[marked] = rebuilder.dropped.get(marked) or _artifact_kind(owner)
    renumbered = _rewrite_content(pdf, live_set, kinds)

    parent_tree = _write_back(pdf, root, document, renumbered, keep_shared)
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=parent_tree))
    root.ParentTreeNextKey = len(parent_tree) // 2
    _write_id_tree(pdf, root, document)


def _kids_of(obj: pikepdf.Object) -> list[pikepdf.Object]:
    kids = obj.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _old_owners(root: pikepdf.Object, pages: int) -> dict[_Marked, pikepdf.Object]:
    """WeasyPrint's /ParentTree: which element owns each marked sequence, tree or not."""
    nums = root.ParentTree.get("/Nums")
    if nums is None:  # WeasyPrint writes one flat /Nums; anything else is not ours to fix
        raise ValueError("unexpected /ParentTree layout")
    owners: dict[_Marked, pikepdf.Object] = {}
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if key < pages and isinstance(value, Array):
            for mcid, owner in enumerate(value):
                if isinstance(owner, Dictionary):
                    owners[_Marked(key, mcid)] = owner
    return owners


def _load(obj: pikepdf.Object, inherited: int | None, page_index: dict[tuple[int, int], int]) -> _Node:
    page = page_index[obj.Pg.objgen] if "/Pg" in obj else inherited
    node = _Node(obj, page)
    for kid in _kids_of(obj):
        if isinstance(kid, int):
            assert page is not None
            node.kids.append(_Marked(page, int(kid)))
        elif kid.get("/Type") == "/MCR":
            node.kids.append(_Marked(page_index[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID)))  # type: ignore[arg-type]
        elif kid.get("/Type") == "/OBJR":
            node.kids.append(kid)
        else:
            node.kids.append(_load(kid, page, page_index))
    return node


def _artifact_kind(owner: pikepdf.Object) -> str | None:
    """The note of the nearest noted ancestor: margins hang outside the tree with theirs."""
    seen = 0
    current: pikepdf.Object | None = owner
    while isinstance(current, Dictionary) and seen < 64:
        if NOTE_ARTIFACT in current:
            return str(current[NOTE_ARTIFACT])
        current = current.get("/P")
        seen += 1
    return None


@dataclass
class _Rebuilder:
    """Rewrites the loaded tree in place; remembers what it turned into artifacts."""

    pdf: pikepdf.Pdf
    dropped: dict[_Marked, str] = field(default_factory=dict)

    def rebuild(self, node: _Node) -> None:
        """Drop artifacts and repeated table parts, merge page fragments, recurse, tidy."""
        kept: list[_Kid] = []
        parts: dict[int, _Node] = {}
        for kid in node.kids:
            if isinstance(kid, _Node):
                kind = str(kid.obj[NOTE_ARTIFACT]) if NOTE_ARTIFACT in kid.obj else None
                first = parts.get(kid.key) if kid.key is not None and kid.tag in _REPEATED_PARTS else None
                if kind is not None or first is not None:
                    for marked in kid.marked():
                        self.dropped[marked] = kind or "/Pagination"
                    # An artifact's link annotations (a TOC leader's) still need a tagged owner.
                    kept.extend(k for n in kid.walk() for k in n.kids if not isinstance(k, (_Node, _Marked)))
                    continue
                if kid.tag in _REPEATED_PARTS and kid.key is not None:
                    parts[kid.key] = kid
                previous = kept[-1] if kept else None
                if isinstance(previous, _Node) and _continues(previous, kid):
                    previous.absorb(kid)
                    continue
            kept.append(kid)
        node.kids = kept
        for kid in node.kids:
            if isinstance(kid, _Node):
                self.rebuild(kid)
        node.kids = [k for k in node.kids if not (isinstance(k, _Node) and not k.kids and k.tag in _EMPTY_DROPPABLE)]
        if node.tag in _TEXT_HOLDERS:
            # WeasyPrint wraps every run of text in a Span of its own, a third of all elements;
            # one without an HTML element or attributes says nothing: its content belongs to the parent.
            node.kids = [k for kid in node.kids for k in (kid.kids if _bare_span(kid) else [kid])]  # type: ignore[union-attr]
        if node.tag == "/Link":
            # WeasyPrint tags a link's ::before/::after as Links inside the Link: one link it is.
            node.kids = [k for kid in node.kids for k in (kid.kids if isinstance(kid, _Node) and kid.tag == "/Link" else [kid])]
        elif node.tag == "/LI":
            self._wrap_list_body(node)

    def _wrap_list_body(self, item: _Node) -> None:
        """An LI holds only Lbl and LBody: WeasyPrint puts an <li>'s <p> right in the LI."""
        kids: list[_Kid] = []
        body: _Node | None = None
        for kid in item.kids:
            if _is(kid, "/Lbl") or _is(kid, "/LBody"):
                kids.append(kid)
                body = None
                continue
            if body is None:
                body = _Node(self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.LBody)), item.page)
                kids.append(body)
            body.kids.append(kid)
        item.kids = kids


def _bare_span(kid: object) -> bool:
    """A Span WeasyPrint made for a run of text: no HTML element, no attributes, only content."""
    return (isinstance(kid, _Node) and kid.tag == "/Span" and kid.key is None
            and not any(k in kid.obj for k in _SPAN_SAYS) and all(isinstance(k, _Marked) for k in kid.kids))


def _is(kid: object, tag: str) -> bool:
    return isinstance(kid, _Node) and kid.tag == tag


def _continues(previous: _Node, kid: _Node) -> bool:
    """True when `kid` is the same HTML element as `previous`, continued on a later line or page.

    WeasyPrint makes one structure element per fragment of a box: per page, and for an
    inline element (a link) per line; the fragments of one element are siblings in a row."""
    if previous.key is None or previous.key != kid.key or previous.tag != kid.tag:
        return False
    before, after = previous.span(), kid.span()
    if before is None or after is None:
        return False
    return before[1] < after[0] or (kid.tag in _INLINE and before[1] <= after[0])


def _name_cells(document: _Node, prefix: bytes) -> None:
    """Table cells get the /ID and /Headers the HTML gives them (render.engine's notes), in place
    of WeasyPrint's guesses by position; made-up ids (not from HTML) get the chunk's `prefix`."""
    local = LOCAL_ID.encode()

    def named(value: pikepdf.Object) -> String:
        raw = bytes(value)
        return String(prefix + raw[len(local):] if raw.startswith(local) else raw)

    cells = [node.obj for node in document.walk() if node.tag in ("/TD", "/TH")]
    for obj in cells:
        if NOTE_ID in obj:
            obj.ID = named(obj[NOTE_ID])
        elif "/ID" in obj:
            del obj.ID
    known = {bytes(obj.ID) for obj in cells if "/ID" in obj}
    for obj in cells:
        attributes = obj.get("/A")
        if not isinstance(attributes, Dictionary):
            continue
        # An HTML `headers` naming no header cell here would dangle (a table never crosses chunks): left out.
        headers = [h for h in (named(h) for h in obj.get(NOTE_HEADERS, Array())) if bytes(h) in known]
        if headers:
            attributes.Headers = Array(headers)
        elif "/Headers" in attributes:
            del attributes.Headers


# A marked-content start as WeasyPrint writes it ('/P\n<</MCID 3>>\nBDC'). Its content streams
# hold text as hex strings, so this pattern cannot match inside a string; a stream with a
# literal string or an inline image goes through pikepdf's parser instead.
_MARK = re.compile(rb"/([^\s/<>\[\]()%]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_UNSAFE = re.compile(rb"\(|(?:^|\s)BI(?:\s|$)")


def _rewrite_content(
    pdf: pikepdf.Pdf, live: set[_Marked], kinds: dict[_Marked, str | None]
) -> dict[_Marked, int]:
    """Renumber the live marks page by page; turn every other mark into an artifact."""
    renumbered: dict[_Marked, int] = {}
    for index, page in enumerate(pdf.pages):
        contents = page.obj.get("/Contents")
        if isinstance(contents, pikepdf.Stream):
            data = contents.read_bytes()
            if not _UNSAFE.search(data):
                rewritten = _rewrite_bytes(data, index, live, kinds, renumbered)
                if rewritten is not data:
                    page.obj.Contents = pdf.make_stream(rewritten)
                continue
        instructions = pikepdf.parse_content_stream(page)
        changed = False
        count = 0
        out: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInstruction) and str(instruction.operator) == "BDC":
                tag, properties = instruction.operands
                if isinstance(properties, Dictionary) and "/MCID" in properties:
                    marked = _Marked(index, int(properties.MCID))
                    changed = True
                    if marked in live:
                        renumbered[marked] = count
                        properties = Dictionary(MCID=count)
                        count += 1
                        instruction = pikepdf.ContentStreamInstruction([tag, properties], Operator("BDC"))
                    else:
                        instruction = _artifact(kinds.get(marked))
            out.append(instruction)
        if changed:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
    return renumbered


def _rewrite_bytes(data: bytes, index: int, live: set[_Marked], kinds: dict[_Marked, str | None],
                   renumbered: dict[_Marked, int]) -> bytes:
    """`_rewrite_content` for one page's stream, on its bytes (ten times faster than parsing it)."""
    count = 0

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal count
        marked = _Marked(index, int(match[2]))
        if marked in live:
            renumbered[marked] = count
            count += 1
            return b"/%s <</MCID %d>> BDC" % (match[1], count - 1)
        properties = _ARTIFACT_PROPERTIES.get(kinds.get(marked) or "")
        if properties is None:
            return b"/Artifact BMC"
        return b"/Artifact <<" + b" ".join(f"{k} {v}".encode() for k, v in properties.items()) + b">> BDC"

    rewritten, found = _MARK.subn(replace, data)
    return rewritten if found else data


def _artifact(kind: str | None) -> pikepdf.ContentStreamInstruction:
    properties = _ARTIFACT_PROPERTIES.get(kind or "")
    if properties is None:
        return pikepdf.ContentStreamInstruction([Name.Artifact], Operator("BMC"))
    return pikepdf.ContentStreamInstruction([Name.Artifact, Dictionary(properties)], Operator("BDC"))


def _write_back(pdf: pikepdf.Pdf, root: pikepdf.Object, document: _Node, renumbered: dict[_Marked, int],
                keep_shared: bool) -> Array:
    """Store the tree in the PDF objects; return the new /ParentTree /Nums array."""
    pages = list(pdf.pages)
    by_page: list[dict[int, pikepdf.Object]] = [{} for _ in pages]
    annotations: list[tuple[pikepdf.Object, pikepdf.Object]] = []

    def store(node: _Node, parent: pikepdf.Object) -> None:
        kids = Array()
        for kid in node.kids:
            if isinstance(kid, _Node):
                store(kid, node.obj)
                kids.append(kid.obj)
            elif isinstance(kid, _Marked):
                mcid = renumbered[kid]
                by_page[kid.page][mcid] = node.obj
                if kid.page == node.page:
                    kids.append(mcid)
                else:  # content carried over from another page needs its page named
                    kids.append(Dictionary(Type=Name.MCR, Pg=pages[kid.page].obj, MCID=mcid))
            else:
                annotations.append((kid.Obj, node.obj))
                kids.append(kid)
        node.obj.K = kids
        node.obj.P = parent
        for note in NOTES:
            if note in node.obj and not (keep_shared and note == NOTE_SHARED):
                del node.obj[note]

    store(document, root)
    root.K = Array([document.obj])
    nums = Array()
    for index, owned in enumerate(by_page):
        pages[index].obj.StructParents = index
        nums.append(index)
        nums.append(Array([owned[m] for m in sorted(owned)]))
    for offset, (annotation, owner) in enumerate(annotations):
        annotation.StructParent = len(pages) + offset
        nums.append(len(pages) + offset)
        nums.append(owner)
    return nums


def _write_id_tree(pdf: pikepdf.Pdf, root: pikepdf.Object, document: _Node) -> None:
    """/IDTree: a name tree of every element /ID (table header cells), sorted as required."""
    write_id_tree(pdf, root, [(bytes(node.obj.ID), node.obj) for node in document.walk() if "/ID" in node.obj])


def write_id_tree(pdf: pikepdf.Pdf, root: pikepdf.Object, ids: list[tuple[bytes, pikepdf.Object]]) -> None:
    """Set `root`'s /IDTree to the name tree of `ids` (sorted, as a name tree must be); none removes it."""
    ids = sorted(ids, key=lambda pair: pair[0])
    if len({key for key, _ in ids}) != len(ids):
        raise ValueError("two structure elements share an /ID")
    names = Array()
    for key, obj in ids:
        names.append(String(key))
        names.append(obj)
    if ids:
        root.IDTree = pdf.make_indirect(Dictionary(Names=names))
    elif "/IDTree" in root:
        del root.IDTree
