"""OpenAPI 3.1 boolean schemas (`schema: true`, `schema: false`) where an operation holds a schema:
the imported version validates (fast, explaining and strict paths), is written and loads again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import load_version
from apidrift.openapi.sources import import_openapi_file


def _document(schema: Any) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "operationId": "op",
                    "requestBody": {"content": content},
                    "responses": {"200": {"description": "", "content": content}},
                }
            }
        },
        "components": {"schemas": {"Anything": schema}},
    }


@pytest.mark.parametrize(("schema", "admits"), [(True, True), (False, False)])
def test_a_boolean_body_schema_validates_and_loads_again(tmp_path: Path, schema: bool, admits: bool) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps(_document(schema)))
    version = import_openapi_file(path, version="v1", use_cache=False).version
    validator = ResponseValidator(version)
    for body in ({"a": 1}, [1], "text", None):
        assert validator.is_valid("op", "200", body) is admits
        assert validator.validate("op", "200", body, strict=True).valid is admits
        assert bool(validator.violations("op", "200", body)) is not admits
    version.write(tmp_path / "contract")
    loaded = load_version(tmp_path / "contract")
    assert loaded.operations["op"].responses["200"].schema == version.operations["op"].responses["200"].schema
    assert ResponseValidator(loaded).is_valid("op", "200", {"a": 1}) is admits
