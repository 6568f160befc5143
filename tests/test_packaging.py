"""A plain `pip install .` must carry templates, styles, the font and the default content."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_assets(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("tul-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "render/cli.py",
        "render/_data/templates/report.html",
        "render/_data/templates/partials/indicators.html",
        "render/_data/styles/report.css",
        "render/_data/styles/fonts/OpenSans-Regular.ttf",
        "render/_data/styles/fonts/LICENSE-OpenSans.txt",
        "render/_data/content/ks-t1-2020/report.yaml",
        "render/_data/content/schema/goal.schema.json",
    ):
        assert required in names, required
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "tul = render.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
