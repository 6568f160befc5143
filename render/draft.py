"""Marks in an author's text: a draft carried over from an earlier period, a placeholder to write.

`tul new` carries period-bound text (proposals, summaries, analyses) into the next
report behind a draft mark, `[UTKAST från Tertial 1 2020, granska och ta bort
markeringen]`; `tul init` writes placeholders such as `[SKRIV: nämndens namn]`.
Both are plain text in the author's own file: the editor shows them, the document
prints them where they stand (never as if final), and `tul status` and `tul check
--strict` find them. Deleting the mark is how an author confirms a text.
"""

from __future__ import annotations

import re

from render.labels import AUTHOR_WORDS, fill

# Either language's word, in any case: an author who retypes a mark still has it found.
DRAFT_MARK = re.compile(r"\[(?:UTKAST|DRAFT)\b[^\]\n]*\]", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\[(?:SKRIV|WRITE)\b[^\]\n]*\]", re.IGNORECASE)


def draft_mark(locale: str, period: str) -> str:
    """The mark put before a text carried over from `period`."""
    return "[" + fill(AUTHOR_WORDS[locale]["draft"], {"period": period}) + "]"


def placeholder(locale: str, what: str) -> str:
    """A placeholder for the author to replace: '[SKRIV: nämndens namn]'."""
    return f"[{AUTHOR_WORDS[locale]['write']}: {what}]"


def is_draft(text: str) -> bool:
    """True when `text` still carries a draft mark."""
    return DRAFT_MARK.search(text) is not None
