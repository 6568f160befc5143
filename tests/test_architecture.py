"""The one-way pipeline: a module imports only modules above it, and one owner per library."""

from __future__ import annotations

import ast
from pathlib import Path

RENDER = Path(__file__).resolve().parent.parent / "render"

# Upstream first. A module may import only modules earlier in this list.
ORDER = ["errors", "paths", "output", "project", "positions", "values", "period", "labels", "draft", "mentions", "format",
         "contrast", "tables", "model", "validation", "load", "contribution", "history", "consolidate", "derive",
         "markup", "templates", "chart", "check", "related", "html", "chunk", "pdfua", "cells", "libraries", "engine", "fontmerge", "join",
         "worker", "cache", "pdf", "schema", "export", "successor", "roundtrip", "status", "scaffold", "build", "live",
         "preview", "cli", "__main__"]
OWNERS = {"yaml": "load", "weasyprint": "engine", "pydyf": "engine", "markdown_it": "markup", "jinja2": "templates",
          "pikepdf": "pdfua", "fontTools": "fontmerge", "ruamel": "roundtrip"}
# join assembles the chunks' PDFs, pdfua finishes each one's tagging: two reasons to change, one library.
ALLOWED_EXTRA: set[tuple[str, str]] = {("join", "pikepdf")}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_every_module_is_placed() -> None:
    modules = {p.stem for p in RENDER.glob("*.py")} - {"__init__"}
    assert modules <= set(ORDER), modules - set(ORDER)


def test_imports_flow_one_way() -> None:
    for path in RENDER.glob("*.py"):
        if path.stem == "__init__":
            continue
        rank = ORDER.index(path.stem)
        for name in _imports(path):
            if name.startswith("render."):
                target = name.split(".")[1]
                assert ORDER.index(target) < rank, f"{path.stem} imports {target}"


def test_one_owner_per_library() -> None:
    for path in RENDER.glob("*.py"):
        for name in _imports(path):
            library = name.split(".")[0]
            owner = OWNERS.get(library)
            if owner and owner != path.stem and (path.stem, library) not in ALLOWED_EXTRA:
                raise AssertionError(f"{path.stem} imports {library}, owned by {owner}")


def test_cli_names_the_pdf_variants_the_engine_knows() -> None:
    from render.cli import PDF_VARIANTS as cli_variants
    from render.pdf import PDF_VARIANTS as engine_variants

    assert cli_variants == engine_variants


def test_check_and_noop_paths_do_not_load_weasyprint() -> None:
    import subprocess
    import sys

    code = "import sys, render.cli, render.build; print('weasyprint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
