"""Colour contrast: WCAG 2.1's formula, the stylesheet's own text colours, and a located
`tul check` warning when a theme colour fails against what it is used with."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.cli import main
from render.contrast import TEXT, contrast_ratio, luminance, passing_shade


def test_contrast_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    # WebAIM's examples: #767676 is the lightest grey that passes 4.5:1 on white, #777777 fails.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert luminance("#ff0000") == pytest.approx(0.2126)
    shade = passing_shade("#7fa7cf", "#ffffff", TEXT)
    assert shade is not None and contrast_ratio(shade, "#ffffff") >= TEXT
    assert luminance(shade) < luminance("#7fa7cf")


def test_stylesheet_text_colours_have_contrast() -> None:
    css = (Path(__file__).resolve().parent.parent / "styles" / "report.css").read_text(encoding="utf-8")
    colours = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", css))
    variables = dict(re.findall(r"(--tul-[a-z]+):\s*(#[0-9a-fA-F]{6})", css))
    colours |= {variables[name] for name in re.findall(r"(?<![-\w])color:\s*var\((--tul-[a-z]+)\)", css)}
    assert len(colours) >= 3
    for colour in colours:  # on white, and on the light grey of Analys rows
        assert contrast_ratio(colour, "#f4f4f4") >= TEXT, colour


def test_check_warns_at_the_theme_colours_that_fail(tmp_path: Path) -> None:
    from render.build import default_content_dir

    target = tmp_path / "content" / "miljo-en-2020"
    shutil.copytree(default_content_dir() / "miljo-en-2020", target)
    report = target / "report.yaml"
    text = report.read_text(encoding="utf-8") + 'theme:\n  primary_colour: "#7fa7cf"\n  accent_colour: "#0a3a6b"\n'
    report.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    primary = next(i for i, line in enumerate(lines, 1) if "primary_colour" in line)
    accent = next(i for i, line in enumerate(lines, 1) if "accent_colour" in line)
    runner = CliRunner()
    result = runner.invoke(main, ["check", "miljo-en-2020", "--content", str(tmp_path / "content"), "--no-strict"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if ": warning: " in line]
    assert len(warnings) == 2, result.output
    assert warnings[0].startswith(f"{report}:{primary}:19: warning: theme.primary_colour: '#7fa7cf' "
                                  "has a contrast of 2.52:1 against white")
    assert warnings[1].startswith(f"{report}:{accent}:18: warning: theme.accent_colour: '#0a3a6b' "
                                  "has a contrast of 1.51:1 against the dark text")
    strict = runner.invoke(main, ["check", "miljo-en-2020", "--content", str(tmp_path / "content"), "--strict"])
    assert strict.exit_code == 1
