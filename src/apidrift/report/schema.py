"""The JSON Schema of `report.json`, generated from the model and committed beside it.

Regenerate after changing the model: `python -m apidrift.report.schema`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator

from apidrift.report.model import REPORT_FORMAT, SCHEMA_ID, DriftReport

SCHEMA_FILE: Final = "report.schema.json"


def report_schema() -> dict[str, Any]:
    """The schema as the model defines it (serialisation mode: what `report.json` holds)."""
    schema = DriftReport.model_json_schema(mode="serialization")
    schema["title"] = f"apidrift report ({REPORT_FORMAT})"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


@cache
def committed_schema() -> dict[str, Any]:
    """The schema file shipped with the package."""
    text = resources.files("apidrift.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_errors(document: Any) -> list[str]:
    """Where a `report.json` document breaks the committed schema, one line each (empty: valid)."""
    validator = Draft202012Validator(committed_schema())
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def main() -> None:
    """Write the generated schema over the committed file."""
    target = Path(str(resources.files("apidrift.report"))) / SCHEMA_FILE
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target.name}")


if __name__ == "__main__":
    main()
