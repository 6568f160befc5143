"""Word-order comparison of a rendered text with the seed text."""

from __future__ import annotations

import difflib
import re
import unicodedata

_WORD = re.compile(r"[0-9A-Za-zÀ-ÿ]+(?:[-:/.,'’][0-9A-Za-zÀ-ÿ]+)*")


def words(text: str) -> list[str]:
    """Lower-cased words; punctuation, spaces and hyphenation at line ends dropped."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    text = re.sub(r"[\u00a0\u202f\u2009]", " ", text)
    return [w.lower() for w in _WORD.findall(text)]


def in_order_coverage(reference: list[str], candidate: list[str]) -> tuple[float, list[str]]:
    """Share of `reference` words found in `candidate` in the same order, and the misses."""
    matcher = difflib.SequenceMatcher(None, reference, candidate, autojunk=False)
    matched = [False] * len(reference)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            matched[i] = True
    missing = [w for w, m in zip(reference, matched, strict=True) if not m]
    return (sum(matched) / len(reference) if reference else 1.0), missing
