"""render.fontmerge: one font program with every outline the chunks' subsets carry."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from render.fontmerge import merge_truetype

FONT = Path(__file__).resolve().parent.parent / "styles" / "fonts" / "OpenSans-Regular.ttf"


def subset_of(text: str) -> bytes:
    """A subset as WeasyPrint embeds it (HarfBuzz keeps the glyph ids: retain-gids)."""
    font = TTFont(FONT, recalcTimestamp=False)
    options = subset.Options()
    options.retain_gids = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


FULL = TTFont(FONT)
GLYPH_IDS = {name: index for index, name in enumerate(FULL.getGlyphOrder())}


def outlines(data: bytes, text: str) -> dict[str, tuple]:
    """Each character's glyph (by the id the full font gives it, as the PDF refers to it): contours,
    points and advance width."""
    font = TTFont(BytesIO(data))
    glyf, order = font["glyf"], font.getGlyphOrder()
    result = {}
    for char in text:
        name = order[GLYPH_IDS[FULL.getBestCmap()[ord(char)]]]
        glyph = glyf[name]
        points = list(glyph.getCoordinates(glyf)[0]) if glyph.numberOfContours else None
        result[char] = (glyph.numberOfContours, points, font["hmtx"][name][0])
    return result


def test_the_merged_font_has_each_subsets_glyphs_at_their_ids_and_nothing_is_lost() -> None:
    first, second = subset_of("Sid 1 (36) Måluppfyllelse"), subset_of("Ekonomi 2 351,0 Ärende")
    merged = merge_truetype([first, second, first])
    for text, source in (("Sid 1(36)Måluppfyllelse", first), ("Ekonomi2351,0Ärende", second)):
        assert outlines(merged, text) == outlines(source, text)
    assert outlines(merged, "Z")["Z"][0] == 0  # a glyph no subset uses stays empty: nothing is invented
    assert merge_truetype([first, first]) == first  # one distinct subset: taken as it is
    assert merge_truetype([first, second]) == merge_truetype([first, second])  # reproducible bytes
