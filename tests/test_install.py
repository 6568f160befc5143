"""#10 done when: after a plain `pip install`, in an empty folder, an author's own report from start to CI.

The one test that installs tul for real: a wheel of this checkout into a new virtual
environment (its dependencies from the package index, as a user gets them), then the
commands as an author types them, each in a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key not in ("CI", "PYTHONPATH")}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, env={**environment, **env})


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_author_starts_builds_continues_and_is_held_by_ci_after_a_plain_pip_install(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("tul-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    installed = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], tmp_path)
    assert installed.returncode == 0, installed.stderr[-2000:]
    tul = str(venv / "bin" / "tul")
    site = _run([str(venv / "bin" / "python"), "-c", "import render, pathlib; print(pathlib.Path(render.__file__).parent)"],
                tmp_path).stdout.strip()
    package_before = _files(Path(site))

    work = tmp_path / "ours"
    work.mkdir()
    # Without a project there is nothing to add a report to, and nothing is written into site-packages.
    refused = _run([tul, "new", "ks-t2-2020", "--from", "ks-t1-2020"], work)
    assert refused.returncode == 2 and "tul init" in refused.stderr

    assert _run([tul, "init"], work).returncode == 0
    (slug,) = [p.name for p in (work / "content").iterdir() if p.name != "schema"]
    report = work / "content" / slug
    # The author writes the summary (the rest is still to do).
    text = (report / "report.yaml").read_text(encoding="utf-8")
    placeholder = next(line.strip() for line in text.splitlines() if line.strip().startswith("[SKRIV: sammanfattande"))
    (report / "report.yaml").write_text(text.replace(placeholder, "Nämnden har nått sina mål per den 30 april."),
                                        encoding="utf-8")

    built = _run([tul, "build"], work)
    assert built.returncode == 0, built.stderr
    pdf, html = work / "build" / slug / f"{slug}.pdf", work / "build" / slug / "index.html"
    assert pdf.read_bytes().startswith(b"%PDF-") and "Nämnden har nått sina mål" in html.read_text(encoding="utf-8")
    umask = os.umask(0o022)
    os.umask(umask)
    assert pdf.stat().st_mode & 0o777 == 0o666 & ~umask

    held = _run([tul, "check"], work, CI="true")
    assert held.returncode == 1
    assert "error: the report is not finished, 1 of " in held.stderr and f"'tul status {slug}'" in held.stderr

    made = _run([tul, "new"], report)  # inside the report's folder: the next period follows it
    assert made.returncode == 0, made.stderr
    (following,) = [p for p in (work / "content").iterdir() if p.name not in ("schema", slug)]
    new_text = (following / "report.yaml").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in new_text.splitlines() for line in comments)
    assert "  [UTKAST från Tertial 1 " in new_text and "Nämnden har nått sina mål per den 30 april." in new_text

    status = _run([tul, "status", following.name], work)
    assert status.returncode == 0
    lines = status.stdout.splitlines()
    assert any(": to review: summary is a draft carried over" in line for line in lines)
    assert any(": to check: summary names '30 april'" in line for line in lines)
    assert lines[-1].startswith(f"{following.name}: ") and lines[-1].endswith(" left")

    wrong = _run([tul, "check", "--content", "nope"], work)
    assert wrong.returncode == 2 and "does not exist" in wrong.stderr
    assert _files(Path(site)) == package_before

    # A finished report passes the same CI check.
    example = tmp_path / "example"
    assert _run([tul, "init", str(example), "--example", "bostader-t1-2021"], tmp_path).returncode == 0
    assert _run([tul, "check"], example, CI="true").returncode == 0
