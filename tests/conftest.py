"""Shared fixtures: the default report is built once per test session."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from render.build import BuildOptions, build_report, default_content_dir

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "ks-tertialrapport-1-2020.txt"
DEFAULT_SLUG = "ks-t1-2020"


@pytest.fixture(scope="session")
def default_report_dir() -> Path:
    """The shipped default report's content folder (read-only)."""
    return default_content_dir() / DEFAULT_SLUG


@pytest.fixture()
def content_copy(tmp_path: Path, default_report_dir: Path) -> Path:
    """A writable copy of the default report to break on purpose."""
    target = tmp_path / "content" / DEFAULT_SLUG
    shutil.copytree(default_report_dir, target)
    return target


@pytest.fixture(scope="session")
def built_default(tmp_path_factory: pytest.TempPathFactory, default_report_dir: Path) -> Path:
    """build/<slug>/ of the default report (HTML and PDF/UA-1), built once."""
    out = tmp_path_factory.mktemp("build")
    result = build_report(default_report_dir, BuildOptions(out_dir=out, strict=True))
    assert result.warnings == []
    return out / DEFAULT_SLUG


EXAMPLES = ("sdn-norr-t2-2021", "idrott-vb-2020", "bostader-t1-2021", "miljo-en-2020")


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory: pytest.TempPathFactory, built_default: Path) -> dict[str, Path]:
    """build/<slug>/ of the default and of every example (HTML and PDF/UA-1), built once."""
    out = tmp_path_factory.mktemp("reports")
    for slug in EXAMPLES:
        result = build_report(default_content_dir() / slug, BuildOptions(out_dir=out, strict=True))
        assert result.warnings == [], result.warnings
    return {DEFAULT_SLUG: built_default, **{slug: out / slug for slug in EXAMPLES}}


@pytest.fixture(autouse=True)
def no_warnings_logged(caplog: pytest.LogCaptureFixture):
    """Fail any test during which something logged a warning (WeasyPrint's assert_no_logs)."""
    caplog.set_level(logging.WARNING)
    yield
    records = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    assert not records, [r.getMessage() for r in records]


# A style that starts each inriktningsmål on a new page: more chunks, and parts cut in two.
GOAL_PAGES_CSS = "\n@media print { .direction-goal { break-before: page; } }\n"


@pytest.fixture(scope="session")
def goal_page_styles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An organisation's style folder: the shipped report.css with each inriktningsmål on a new page."""
    from render.build import default_assets

    shipped = default_assets().style_dirs[-1]
    folder = tmp_path_factory.mktemp("goal-page-styles")
    css = (shipped / "report.css").read_text(encoding="utf-8") + GOAL_PAGES_CSS
    (folder / "report.css").write_text(css, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def built_goal_pages(tmp_path_factory: pytest.TempPathFactory, default_report_dir: Path, goal_page_styles: Path) -> Path:
    """build/<slug>/ of the default report in the goal-per-page style, built once."""
    from render.build import default_assets

    out = tmp_path_factory.mktemp("build-goal-pages")
    options = BuildOptions(out_dir=out, strict=True, assets=default_assets(style_dirs=(goal_page_styles,)))
    result = build_report(default_report_dir, options)
    assert result.warnings == [] and result.chunks == 8
    return out / DEFAULT_SLUG
