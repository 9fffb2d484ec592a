"""`tools/realworld_sweep.py`: its mutations change one operation only and say what the diff must
report, and a clean document sweeps without a problem, every mutation caught."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cli_support import load_tool

TOOL = Path(__file__).parents[2] / "tools" / "realworld_sweep.py"
PETSTORE = Path(__file__).parents[2] / "examples" / "petstore" / "openapi" / "petstore-2025-01-15.yaml"


@pytest.fixture(scope="module")
def sweep() -> ModuleType:
    return load_tool(TOOL)


def document() -> dict[str, Any]:
    pet = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
    ok = {
        "description": "ok",
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}
        },
    }
    status = {
        "name": "status",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]}},
    }
    hook = {
        "post": {
            "requestBody": {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}
            },
            "responses": {"200": {"description": "ok"}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/pets": {
                "get": {"parameters": [status], "responses": {"200": ok}},
                "post": {"responses": {"201": ok}},
            }
        },
        "webhooks": {"newPet": hook},
        "components": {"schemas": {"Pet": pet}},
    }


def test_each_mutation_changes_one_place_and_names_the_change(sweep: ModuleType) -> None:
    original = document()
    dropped, want = sweep.drop_property(copy.deepcopy(original))
    assert want == {"kind": "field-removed", "side": "response", "operation": "GET /pets", "path": "name"}
    items = dropped["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "items"
    ]
    assert items["properties"] == {"id": {"type": "integer"}} and items["required"] == ["id"]
    # The shared definition and the other operation that uses it are untouched.
    assert dropped["components"] == original["components"]
    assert dropped["paths"]["/pets"]["post"] == original["paths"]["/pets"]["post"]

    renamed, want = sweep.rename_property(copy.deepcopy(original))
    assert want["kind"] == "field-renamed" and want["path"] == "name"
    items = renamed["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "items"
    ]
    assert list(items["properties"]) == ["id", "name_renamed"] and items["required"] == ["id", "name_renamed"]

    narrowed, want = sweep.narrow_enum(copy.deepcopy(original))
    assert want == {
        "kind": "enum-values-removed",
        "side": "parameter",
        "operation": "GET /pets",
        "path": "status",
    }
    assert narrowed["paths"]["/pets"]["get"]["parameters"][0]["schema"]["items"]["enum"] == ["a", "b"]
    assert original["paths"]["/pets"]["get"]["parameters"][0]["schema"]["items"]["enum"] == ["a", "b", "c"]


def test_a_webhook_payload_is_mutated_when_no_get_response_can_be(sweep: ModuleType) -> None:
    only_hooks = document()
    del only_hooks["paths"]
    _, want = sweep.drop_property(only_hooks)
    assert want == {"kind": "field-removed", "side": "webhook", "operation": "POST newPet", "path": "name"}


def test_the_surface_counts_webhooks_and_typed_responses(sweep: ModuleType) -> None:
    surface = sweep.expected_surface(document())
    assert surface["GET /pets"] == (1, False, frozenset({"200", "200 with a schema"}))
    assert surface["webhook POST newPet"] == (0, True, frozenset({"200"}))


def test_a_clean_document_sweeps_without_a_problem(sweep: ModuleType) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = sweep.sweep_document(PETSTORE, Path(tmp), 300.0)
    assert result.problems == []
    assert result.operations == result.imported > 0
    assert result.mutations_tried >= 2 and result.mutations_caught == result.mutations_tried
    assert result.rss_mb > 0
