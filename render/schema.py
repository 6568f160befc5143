"""JSON Schemas of the content files, generated from the model (never written twice)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from render.model import DirectionGoal, Economy, Report, Section

SCHEMA_KINDS = ("report", "goal", "economy", "section")
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _include(schema: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    """A report.yaml field that names a file, or holds the content inline."""
    file_name = {"type": "string", "pattern": r"^[^/\\]+\.ya?ml$", "description": "A .yaml file next to report.yaml."}
    return {"anyOf": [file_name, ref], **({"description": schema["description"]} if "description" in schema else {})}


def content_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema for one kind of content file."""
    models: dict[str, type[BaseModel]] = {"report": Report, "goal": DirectionGoal, "economy": Economy, "section": Section}
    model = models[kind]
    schema = model.model_json_schema(mode="validation")
    if kind == "report":
        props = schema["properties"]
        props["goals"]["items"] = _include(props["goals"]["items"], props["goals"]["items"])
        props["economy"] = _include(props["economy"], props["economy"])
        props["sections"]["items"] = _include(props["sections"]["items"], props["sections"]["items"])
    schema["$schema"] = _DIALECT
    schema["$id"] = f"https://tul.invalid/schema/{kind}.schema.json"
    return schema


def schema_text(kind: str) -> str:
    """The schema as stable, pretty JSON text."""
    return json.dumps(content_schema(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
