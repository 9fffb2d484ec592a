"""`apidrift diff` and `import-openapi` on Swagger 2.0 files, as a person runs them: two 2.0 versions
compared, and a 2.0 document against its own OpenAPI 3.0 conversion (nothing to report)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.cli_support import run_cli

from apidrift.openapi.swagger2 import SWAGGER2_KEY, convert_swagger2

PETS: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Pets", "version": "1.0.0"},
    "host": "api.example.com",
    "basePath": "/v1",
    "schemes": ["https"],
    "produces": ["application/json"],
    "securityDefinitions": {"key": {"type": "apiKey", "name": "X-Key", "in": "header"}},
    "security": [{"key": []}],
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "parameters": [
                    {"name": "tag", "in": "query", "type": "array", "items": {"type": "string"}},
                    {"name": "limit", "in": "query", "type": "integer", "maximum": 100},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                    }
                },
            },
            "post": {
                "operationId": "addPet",
                "parameters": [
                    {"name": "pet", "in": "body", "required": True, "schema": {"$ref": "#/definitions/Pet"}}
                ],
                "responses": {"201": {"description": "made", "schema": {"$ref": "#/definitions/Pet"}}},
            },
        },
        "/pets/{id}/photo": {
            "put": {
                "operationId": "uploadPhoto",
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "type": "integer"},
                    {"name": "photo", "in": "formData", "type": "file", "required": True},
                ],
                "responses": {"204": {"description": "stored"}},
            }
        },
    },
    "definitions": {
        "Pet": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "integer", "format": "int64"},
                "name": {"type": "string"},
                "nickname": {"type": "string", "x-nullable": True},
            },
        }
    },
}


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))


def test_diff_of_two_swagger_2_documents(tmp_path: Path) -> None:
    new = copy.deepcopy(PETS)
    pet = new["definitions"]["Pet"]
    del pet["properties"]["name"]
    pet["required"] = ["id"]
    new["paths"]["/pets"]["get"]["parameters"][1]["maximum"] = 10
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(PETS))
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(new))
    result = run_cli("diff", "old.yaml", "new.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    changes = json.loads(result.stdout)["changes"]
    removed = {(c["operation"], c["side"]) for c in changes if c["kind"] == "field-removed"}
    assert ("GET /pets", "response") in removed
    assert any(c["kind"] == "constraint-narrowed" and c["side"] == "parameter" for c in changes), changes


def test_a_swagger_2_document_and_its_openapi_3_conversion_do_not_differ(tmp_path: Path) -> None:
    converted = convert_swagger2(PETS)
    del converted[SWAGGER2_KEY]
    (tmp_path / "swagger.yaml").write_text(yaml.safe_dump(PETS))
    (tmp_path / "openapi.json").write_text(json.dumps(converted))
    for old, new in (("swagger.yaml", "openapi.json"), ("openapi.json", "swagger.yaml")):
        result = run_cli("diff", old, new, "--format", "json", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        summary = json.loads(result.stdout)["summary"]
        assert summary["findings"]["total"] == 0
        assert summary["operations"] == {"old": 3, "new": 3, "matched": 3}


def test_import_openapi_of_a_swagger_2_document_says_it_was_converted(tmp_path: Path) -> None:
    (tmp_path / "pets.yaml").write_text(yaml.safe_dump(PETS))
    result = run_cli("import-openapi", "pets.yaml", "--contracts", "contracts", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "imported pets.yaml as pets 1.0.0" in result.stdout
    assert "Swagger 2.0 document, imported through its OpenAPI 3.0.3 conversion" in result.stdout
    contract = json.loads((tmp_path / "contracts" / "pets" / "1.0.0" / "contract.json").read_text())
    assert contract["servers"] == ["https://api.example.com/v1"]


def test_a_malformed_swagger_2_document_is_one_error_line(tmp_path: Path) -> None:
    broken = copy.deepcopy(PETS)
    broken["paths"]["/pets"]["get"]["parameters"][0]["collectionFormat"] = "commas"
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(broken))
    result = run_cli("diff", "bad.yaml", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "error: bad.yaml#/paths/~1pets/get/parameters/0/collectionFormat: collectionFormat must be one of"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
