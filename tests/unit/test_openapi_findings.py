"""Imperfect real-world documents: findings (values with a pointer), not refusals; data never resolved."""

from __future__ import annotations

import ast
import copy
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from apidrift.contracts.model import load_version
from apidrift.errors import OpenAPIError
from apidrift.openapi.checks import check_examples, example_recordings, recording_names
from apidrift.openapi.components import Finding, FindingKind
from apidrift.openapi.convert import import_document, load_document
from apidrift.openapi.sources import import_openapi_file
from cli_support import load_tool

SRC = Path(__file__).resolve().parents[2] / "src" / "apidrift" / "openapi"
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
THING = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}


def ok(schema: Any = None, **extra: Any) -> dict[str, Any]:
    media = {"schema": schema or {"$ref": "#/components/schemas/Thing"}, **extra}
    return {"description": "ok", "content": {"application/json": media}}


def document(paths: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Thing": copy.deepcopy(THING)}},
    }


def kinds(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.kind.value, f.operation, f.pointer) for f in findings]


def test_defects_of_a_usable_document_are_findings_with_pointers() -> None:
    doc = document(
        {
            "/things/{id}": {
                "get": {"operationId": "get-thing", "responses": None},
                "delete": {
                    "operationId": "get-thing",
                    "parameters": [
                        {"name": "id", "in": "path", "schema": {"type": "string"}},
                        {"name": "ghost", "in": "path", "required": True, "schema": {"type": "string"}},
                    ],
                    "responses": {"204": {"description": "gone"}},
                },
            },
        }
    )
    result = import_document(doc, api="t", version="v1", file="t.yaml")
    assert kinds(result.problems) == [
        ("path-param-undeclared", "get-thing", "/paths/~1things~1{id}/get"),
        ("no-responses", "get-thing", "/paths/~1things~1{id}/get/responses"),
        ("duplicate-operation-id", "get-thing", "/paths/~1things~1{id}/delete/operationId"),
        ("path-param-not-in-template", "delete-things-id", "/paths/~1things~1{id}/delete/parameters/1"),
    ]
    assert all(f.file == "t.yaml" for f in result.problems)
    assert str(result.problems[1]) == (
        "t.yaml#/paths/~1things~1{id}/get/responses: get-thing: 'responses' is null: the operation "
        "documents no response"
    )
    # Nothing is lost: both operations are there, the second under a derived id, without the ghost.
    ops = result.version.operations
    assert sorted(ops) == ["delete-things-id", "get-thing"]
    assert ops["get-thing"].responses == {}
    assert [p.name for p in ops["delete-things-id"].parameters] == ["id"]
    assert "imported as 'delete-things-id'" in result.problems[2].message


def test_findings_survive_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document({"/things": {"get": {"operationId": "a", "responses": None}}})))
    first = import_openapi_file(spec)
    monkeypatch.setattr("apidrift.openapi.sources.load_document", lambda path: pytest.fail("parsed again"))
    again = import_openapi_file(spec)
    assert again.problems == first.problems and again.problems[0].kind is FindingKind.NO_RESPONSES
    # The same content in another file is served from the cache, and its findings name that file.
    copy = tmp_path / "elsewhere" / "copy.json"
    copy.parent.mkdir()
    copy.write_bytes(spec.read_bytes())
    moved = import_openapi_file(copy)
    assert [p.file for p in moved.problems] == [str(copy)] * len(first.problems)
    assert moved.version.extra["openapi"]["file"] == "copy.json"


def test_example_values_are_data_never_references(tmp_path: Path) -> None:
    """A literal `{"$ref": ...}` in example data is kept as written, never followed."""
    data = {"id": "t1", "spec": {"$ref": "#/components/schemas/Nowhere"}}
    doc = document(
        {
            "/things": {
                "get": {
                    "operationId": "list-things",
                    "parameters": [
                        {
                            "name": "filter",
                            "in": "query",
                            "schema": {"type": "object", "example": {"$ref": "#/nowhere"}},
                        }
                    ],
                    "responses": {
                        "200": ok(example=data, examples={"named": {"value": data}}),
                    },
                }
            }
        }
    )
    doc["components"]["schemas"]["Thing"]["properties"]["spec"] = {
        "type": "object",
        "examples": [{"$ref": "#/components/schemas/Gone"}],
        "default": {"$ref": "x"},
    }
    result = import_document(doc, api="t", version="v1", file="t.yaml")
    assert [e.body for e in result.examples] == [data, data]
    assert sorted(f.pointer for f in result.problems if f.kind is FindingKind.EXAMPLE_REF_KEY) == [
        "/components/schemas/Thing/properties/spec/default",
        "/components/schemas/Thing/properties/spec/examples",
        "/paths/~1things/get/parameters/0/schema/example",
    ]
    result.version.write(tmp_path / "v1")
    assert load_version(tmp_path / "v1").operations == result.version.operations
    assert all(c.agrees for c in check_examples(result.version, result.examples))


def test_json_files_are_read_by_the_json_module(tmp_path: Path) -> None:
    """Escaped surrogate pairs are valid JSON (PyYAML refuses them)."""
    doc = document({"/things": {"get": {"operationId": "a", "summary": "\U0001f600", "responses": {}}}})
    text = json.dumps(doc)  # ensure_ascii: the emoji becomes "\ud83d\ude00"
    assert "\\ud83d\\ude00" in text
    for name in ("spec.json", "spec.txt"):  # by suffix, or by the text's first character
        (tmp_path / name).write_text(text)
        assert load_document(tmp_path / name)["paths"]["/things"]["get"]["summary"] == "\U0001f600"
    (tmp_path / "broken.json").write_text('{"openapi": "3.1.0",\n "paths": {]}')
    with pytest.raises(OpenAPIError, match=r"not JSON: .* at line 2 column 12"):
        load_document(tmp_path / "broken.json")


def test_operation_ids_never_shape_uris_or_file_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = {
        f"/things/{i}": {"get": {"operationId": op_id, "responses": {"200": ok(example={"id": "t"})}}}
        for i, op_id in enumerate(["a/../b", "x#y", "a_b", "../../etc/passwd"])
    }
    result = import_document(document(paths), api="t", version="v1")
    assert sorted(result.version.operations) == ["../../etc/passwd", "a/../b", "a_b", "x#y"]

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a schema was fetched from the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    checks = check_examples(result.version, result.examples)
    assert [c.agrees for c in checks] == [True] * 4
    for op_id in result.version.operations:
        schema_id = result.version.response_schema(op_id, 200)["$id"]
        assert schema_id.startswith(result.version.base) and "/../" not in schema_id and "#" not in schema_id
    names = recording_names(result.examples)
    assert names == ["a___b.json", "x_y.json", "a_b.json", "____etc_passwd.json"]
    assert len(set(names)) == 4
    assert all("/" not in n and ".." not in n for n in names)
    assert [r.operation for _, r in example_recordings(result.version, result.examples)] == list(
        paths_ids(paths)
    )


def paths_ids(paths: dict[str, Any]) -> list[str]:
    return [item["get"]["operationId"] for item in paths.values()]


def test_a_slug_collision_gets_a_second_name() -> None:
    paths = {
        f"/t/{i}": {"get": {"operationId": op_id, "responses": {"200": ok(example={"id": "t"})}}}
        for i, op_id in enumerate(["a/b", "a_b"])
    }
    result = import_document(document(paths), api="t", version="v1")
    assert recording_names(result.examples) == ["a_b.json", "a_b-2.json"]


def test_links_survive_import_and_the_contract_round_trip(tmp_path: Path) -> None:
    doc = document(
        {
            "/things": {
                "post": {
                    "operationId": "create-thing",
                    "responses": {
                        "201": {
                            **ok(),
                            "links": {
                                "GetThing": {
                                    "operationId": "get-thing",
                                    "parameters": {"thing_id": "$response.body#/id"},
                                    "description": "dropped: only what a sweep needs is kept",
                                },
                                "Shared": {"$ref": "#/components/links/Delete"},
                            },
                        }
                    },
                }
            },
            "/things/{thing_id}": {
                "get": {"operationId": "get-thing", "responses": {"200": ok()}},
                "delete": {"operationId": "delete-thing", "responses": {"204": {"description": "gone"}}},
            },
        }
    )
    doc["components"]["links"] = {
        "Delete": {
            "operationRef": "#/paths/~1things~1{thing_id}/delete",
            "parameters": {"thing_id": "$response.body#/id"},
        }
    }
    result = import_document(doc, api="t", version="v1")
    links = result.version.operations["create-thing"].responses["201"].links
    assert links == {
        "GetThing": {"operationId": "get-thing", "parameters": {"thing_id": "$response.body#/id"}},
        "Shared": {
            "operationRef": "#/paths/~1things~1{thing_id}/delete",
            "parameters": {"thing_id": "$response.body#/id"},
        },
    }
    result.version.write(tmp_path / "v1")
    assert load_version(tmp_path / "v1").operations["create-thing"].responses["201"].links == links


def test_examples_and_convert_share_a_leaf_module_not_a_cycle() -> None:
    def imported(name: str) -> set[str]:
        tree = ast.parse((SRC / f"{name}.py").read_text())
        return {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}

    assert "apidrift.openapi.convert" not in imported("examples")
    assert "apidrift.openapi.convert" not in imported("checks")
    assert not {m for m in imported("components") if m.startswith("apidrift.openapi")}


def test_a_large_generated_document_of_another_api_imports_whole(tmp_path: Path) -> None:
    big = load_tool(BENCHMARKS / "big_openapi.py")
    path = big.write(tmp_path / "big.json", operations=300)
    result = import_openapi_file(path, use_cache=False)
    assert result.version.api == "imaginary-platform-api"
    assert len(result.version.operations) == 300
    raw = json.loads(path.read_text())
    assert set(result.version.schemas) <= set(raw["components"]["schemas"])
    assert result.problems == []
    assert all(c.agrees for c in check_examples(result.version, result.examples))
    result.version.write(tmp_path / "contract")
    assert len(load_version(tmp_path / "contract").operations) == 300


def test_a_pattern_the_regex_engine_cannot_run_is_a_finding_at_its_location() -> None:
    doc = document({"/things": {"get": {"operationId": "get-thing", "responses": {"200": ok()}}}})
    thing = doc["components"]["schemas"]["Thing"]
    thing["properties"]["id"]["pattern"] = r"^(\w)\1$"
    thing["properties"]["tag"] = {"type": "string", "pattern": r"^\p{Lu}"}  # runs: no finding
    # Deeper: a name to escape and a list item (the pointer is built only for the finding).
    thing["properties"]["x/y~z"] = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "(?=a)"}]}
    thing["patternProperties"] = {"^(?!_)": {"type": "string"}}
    result = import_document(doc, api="t", version="v1", file="t.yaml")
    found = [(f.kind, f.pointer) for f in result.problems]
    assert found == [
        (FindingKind.PATTERN_UNSUPPORTED, "/components/schemas/Thing/properties/id/pattern"),
        (FindingKind.PATTERN_UNSUPPORTED, "/components/schemas/Thing/properties/x~1y~0z/anyOf/1/pattern"),
        (FindingKind.PATTERN_UNSUPPORTED, "/components/schemas/Thing/patternProperties/^(?!_)"),
    ]
    assert "backreference" in result.problems[0].message and "lookaround" in result.problems[2].message
    # The contract keeps what the document says; only the validators skip it.
    assert result.version.schemas["Thing"]["properties"]["id"]["pattern"] == r"^(\w)\1$"
