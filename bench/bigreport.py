"""Generate a big report for the benchmark: the default report with N activities (10 000 by default).

Run as `.venv/bin/python bench/bigreport.py DEST [--activities N] [--goals G]`; the
benchmark calls `make_big_report`. The report is the default one (front page,
summary, economy, sections) with its inriktningsmål replaced by G generated
ones, each with five KF-mål holding the activities in equal shares (texts, dates,
deviations and analyses cycled from the default report), plus an indicator and
a nämndmål each. Nothing is committed: the files are written under DEST.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "content" / "ks-t1-2020"
AREAS_PER_GOAL = 5


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _activity_texts() -> list[str]:
    texts = []
    for path in sorted(DEFAULT.glob("[0-9]-*.yaml")):
        texts += re.findall(r"^\s+- text: (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
    return [t.strip() for t in texts if t.strip()]


def _goal_file(number: int, activities: list[int], texts: list[str]) -> str:
    """One inriktningsmål with AREAS_PER_GOAL KF-mål; activities[i] activities in the i-th."""
    lines = [
        "# yaml-language-server: $schema=../schema/goal.schema.json",
        f"title: Genererat inriktningsmål {number} för prestandamätning",
        "summary: |",
        f"  Sammanfattning av inriktningsmål {number}: stadens arbete fortsätter enligt plan inom alla områden.",
        "area_goals:",
    ]
    serial = 0
    for area, count in enumerate(activities, 1):
        lines += [
            f"  - title: Genererat mål {number}.{area} för verksamhetsområdet",
            "    assessment: uppfylls_delvis",
            "    analysis: |",
            "      Målet bedöms uppfyllas delvis. Arbetet följer planen men flera aktiviteter har försenats.",
            "    indicators:",
            "      - name: Andel genomförda aktiviteter",
            "        outcome: 40 %",
            "        previous: 35 %",
            "        forecast: 90 %",
            "        target: 100 %",
            f"        period: Tertial 1 {2020}",
            "    activities:",
        ]
        for _ in range(count):
            text = texts[serial % len(texts)]
            lines += [f"      - text: {_quoted(text)}", "        start: 2020-01-01", "        end: 2020-12-31"]
            if serial % 7 == 3:
                lines += ["        deviation: true", "        analysis: |",
                          "          Aktiviteten har försenats till följd av coronapandemin och slutförs under hösten."]
            serial += 1
        lines += [
            "    board_goals:",
            f"      - title: Genererat nämndmål {number}.{area}.1",
            "        assessment: uppfylls_helt",
            "        expected_result: |",
            "          Stadens nämnder bedriver en ändamålsenlig och effektiv verksamhet.",
            "        analysis: |",
            "          Nämndmålet uppfylls. Uppföljningen visar att arbetet bedrivs enligt plan.",
        ]
    return "\n".join(lines) + "\n"


def make_big_report(dest: Path, activities: int = 10_000, goals: int = 10, slug: str = "stor-rapport") -> Path:
    """Write a report with `activities` activities under `dest`/`slug`; return its folder."""
    folder = dest / slug
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(DEFAULT, folder)
    for path in folder.glob("[0-9]-*.yaml"):
        path.unlink()
    texts = _activity_texts()
    areas = goals * AREAS_PER_GOAL
    shares = [activities // areas + (1 if i < activities % areas else 0) for i in range(areas)]
    names = []
    for number in range(1, goals + 1):
        name = f"{number:02d}-genererat.yaml"
        names.append(name)
        chunk = shares[(number - 1) * AREAS_PER_GOAL : number * AREAS_PER_GOAL]
        (folder / name).write_text(_goal_file(number, chunk, texts), encoding="utf-8")
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8")
    listing = "goals:\n" + "".join(f"  - {name}\n" for name in names)
    text, count = re.subn(r"^goals:\n(?:  - .+\n)+", listing, text, flags=re.M)
    if count != 1:
        raise SystemExit(f"bigreport: cannot find the goals list in {report}")
    report.write_text(text, encoding="utf-8")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--goals", type=int, default=10)
    args = parser.parse_args()
    folder = make_big_report(args.dest, args.activities, args.goals)
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
