"""WCAG 2.1 colour contrast: relative luminance, contrast ratio, and a nearby colour that passes.

The formulas are WCAG 2.1's definitions of "relative luminance" and "contrast ratio"
(https://www.w3.org/TR/WCAG21/#dfn-relative-luminance). Colours are '#rrggbb'.
"""

from __future__ import annotations

# WCAG 2.1 minimum ratios: 1.4.3 (normal text), 1.4.3 large text, 1.4.11 (graphics, UI).
TEXT = 4.5
LARGE_TEXT = 3.0
GRAPHICS = 3.0


def _channels(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"expected a colour as #rrggbb, got {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of `colour`, 0 (black) to 1 (white)."""
    r, g, b = (_linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1 (none) to 21 (black on white)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def passing_shade(colour: str, against: str, minimum: float) -> str | None:
    """The shade of `colour` nearest to it (towards black or white, away from `against`) that
    reaches `minimum` against `against`; None if even black or white does not."""
    target = "#000000" if luminance(against) > 0.18 else "#ffffff"
    for step in range(1, 101):  # 1 % steps: the first that passes is the nearest
        candidate = _mix(colour, target, step / 100)
        if contrast_ratio(candidate, against) >= minimum:
            return candidate
    return None


def _mix(colour: str, other: str, t: float) -> str:
    mixed = tuple(round(c + (o - c) * t) for c, o in zip(_channels(colour), _channels(other), strict=True))
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def lightest_tint(colour: str, minimum: float, against: str = "#ffffff") -> str:
    """The lightest mix of `colour` with white that still has `minimum` contrast against `against`
    (`colour` itself if no lighter mix does): a second series colour that keeps its contrast."""
    best = colour
    for step in range(1, 101):
        candidate = _mix(colour, "#ffffff", step / 100)
        if contrast_ratio(candidate, against) < minimum:
            break
        best = candidate
    return best
