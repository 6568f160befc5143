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
