"""Property tests: any YAML or text fed to the loader gives a located error or a report, never a traceback."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from render.errors import ContentError
from render.load import load_report

MINIMAL = (Path(__file__).parent / "fixtures" / "valid" / "minimal" / "report.yaml").read_text(encoding="utf-8")

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                    st.dates().map(str))
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=5)), max_leaves=20)


def _load(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    try:
        load_report(folder)
    except ContentError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file.endswith("report.yaml") and problem.line >= 0 and problem.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_arbitrary_text(tmp_path: Path, text: str) -> None:
    _load(tmp_path, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents)
def test_arbitrary_yaml_documents(tmp_path: Path, document: object) -> None:
    _load(tmp_path, yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0, max_value=len(MINIMAL) - 1), junk=st.text(min_size=1, max_size=5))
def test_mutated_valid_report(tmp_path: Path, position: int, junk: str) -> None:
    _load(tmp_path, MINIMAL[:position] + junk + MINIMAL[position:])
