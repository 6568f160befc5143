"""One font program from the subsets that several chunks embedded: the only module that imports fontTools.

WeasyPrint subsets every font it embeds and keeps the glyph ids of the original
font (HarfBuzz's retain-gids), so the subsets of one face from different chunks
differ only in which glyph outlines they carry. The merged font takes every
outline any subset has; the PDF then embeds each face once.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from fontTools.ttLib import TTFont


def merge_truetype(subsets: list[bytes]) -> bytes:
    """A TrueType font with the glyphs of all `subsets` (subsets of one font, glyph ids retained)."""
    distinct = list(dict.fromkeys(subsets))
    if len(distinct) == 1:
        return distinct[0]
    # recalcTimestamp=False: the merged font must not carry the clock (reproducible builds).
    fonts = [TTFont(BytesIO(data), recalcTimestamp=False) for data in distinct]
    base = max(fonts, key=lambda font: (font["maxp"].numGlyphs, -fonts.index(font)))
    order = base.getGlyphOrder()
    glyphs, metrics = base["glyf"], base["hmtx"]
    for font in fonts:
        if font is base:
            continue
        their_order = font.getGlyphOrder()
        their_index = {name: index for index, name in enumerate(their_order)}
        their_glyphs, their_metrics = font["glyf"], font["hmtx"]
        for index, name in enumerate(their_order[: len(order)]):
            # Looked at unparsed: most glyph ids of a subset are empty in both fonts.
            if not _has_outline(their_glyphs.glyphs[name]) or _has_outline(glyphs.glyphs[order[index]]):
                continue
            glyph = their_glyphs[name]
            # Subsets may name glyphs differently; glyph ids are what they share.
            for component in getattr(glyph, "components", ()):
                component.glyphName = order[their_index[component.glyphName]]
            glyphs[order[index]] = glyph
            metrics[order[index]] = their_metrics[name]
    out = BytesIO()
    base.save(out)
    return out.getvalue()


def _has_outline(glyph: Any) -> bool:
    """Whether a glyph, parsed or not, has an outline (a composite's components count)."""
    return bool(getattr(glyph, "data", b"")) or getattr(glyph, "numberOfContours", 0) != 0
