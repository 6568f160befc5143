"""render.templates: one compiled environment per template folders, and still every edit seen."""

from __future__ import annotations

import os
from pathlib import Path

from render.templates import make_environment


def test_the_environment_is_kept_and_sees_edits_and_new_overrides(tmp_path: Path) -> None:
    own, shipped = tmp_path / "own", tmp_path / "shipped"
    own.mkdir()
    shipped.mkdir()
    (shipped / "report.html").write_text("shipped {{ 1 }}", encoding="utf-8")
    (shipped / "part.html").write_text("part", encoding="utf-8")
    env = make_environment([own, shipped])
    assert env.get_template("report.html").render() == "shipped 1"
    assert make_environment([own, shipped]) is env  # compiled templates are kept (a preview's rebuilds)
    assert make_environment([own, shipped], "en") is not env  # the filters format per locale

    (shipped / "part.html").write_text("part, edited", encoding="utf-8")
    stamp = (shipped / "part.html").stat().st_mtime + 5
    os.utime(shipped / "part.html", (stamp, stamp))  # a later mtime, as an editor's save gives
    assert make_environment([own, shipped]).get_template("part.html").render() == "part, edited"

    (own / "report.html").write_text("{% extends 'default/report.html' %}", encoding="utf-8")
    overridden = make_environment([own, shipped])
    assert overridden is not env and overridden.get_template("report.html").render() == "shipped 1"
    (own / "report.html").write_text("own", encoding="utf-8")
    stamp = (own / "report.html").stat().st_mtime + 5
    os.utime(own / "report.html", (stamp, stamp))
    assert make_environment([own, shipped]).get_template("report.html").render() == "own"
