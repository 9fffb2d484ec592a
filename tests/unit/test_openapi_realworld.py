"""Shapes real-world documents take that the importer must read, each written small for its test
(found by `tools/realworld_sweep.py` in published documents: GitHub's, Directus', ReadMe's examples)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli_support import run_cli


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports cached by an earlier run (of other code) would hide what this code reads."""
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))


def write(folder: Path, document: dict[str, Any]) -> Path:
    path = folder / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def doc(paths: dict[str, Any], openapi: str = "3.0.3", **extra: Any) -> dict[str, Any]:
    return {"openapi": openapi, "info": {"title": "Real", "version": "1.0.0"}, "paths": paths, **extra}


def imported(tmp_path: Path, document: dict[str, Any]) -> tuple[int, str, dict[str, Any] | None]:
    """`import-openapi` of the document: exit code, what it printed and the contract written (if any)."""
    spec = write(tmp_path, document)
    result = run_cli("import-openapi", str(spec), "--contracts", "c", "--recordings-out", "r", cwd=tmp_path)
    contract = tmp_path / "c" / "real" / "1.0.0" / "contract.json"
    said = result.stderr + result.stdout
    return result.returncode, said, json.loads(contract.read_text()) if contract.is_file() else None


def test_examples_whose_names_run_long_are_recorded_under_short_distinct_names(tmp_path: Path) -> None:
    # GitHub's `<operation>.<status>.<example>` names run past one file name's length.
    op_id = "private-registries/create-org-private-registry-" + "x" * 40
    examples = {
        f"org-private-registry-with-selected-visibility-{i}-" + "y" * 50: {"value": {"id": str(i)}}
        for i in (1, 2)
    }
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    content = {"application/json": {"schema": schema, "examples": examples}}
    paths = {
        "/r": {
            "post": {"operationId": op_id, "responses": {"201": {"description": "ok", "content": content}}}
        }
    }
    code, err, contract = imported(tmp_path, doc(paths))
    assert code == 0, err
    assert contract is not None
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert len(names) == 2 and names[0] != names[1]
    assert all(
        len(n) <= 100 and n.endswith(".json") and n.startswith("private-registries_create") for n in names
    )
    bodies = sorted(json.loads((tmp_path / "r" / n).read_text())["body"]["id"] for n in names)
    assert bodies == ["1", "2"]


def test_a_null_schema_is_read_as_any_value_with_a_finding(tmp_path: Path) -> None:
    # Directus' document: `requestBody.content.application/json.schema: null`.
    body = {"content": {"application/json": {"schema": None}}}
    item = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "tags": {"type": "array", "items": None}},
    }
    ok = {"description": "ok", "content": {"application/json": {"schema": item}}}
    paths = {"/items": {"post": {"operationId": "create", "requestBody": body, "responses": {"200": ok}}}}
    code, err, contract = imported(tmp_path, doc(paths))
    assert code == 0, err
    assert contract is not None
    (op,) = contract["operations"]
    assert op["request_body"]["schema"] == {}
    assert op["responses"]["200"]["schema"]["properties"]["tags"]["items"] == {}
    at = "#/paths/~1items/post/requestBody/content/application~1json/schema"
    assert f"null is read as {{}} (any value) ({at})" in err


GUID = "^(?:{[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}}|[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7})$"


def test_a_pattern_with_literal_braces_is_imported_and_checked_as_ecma_262_reads_it(tmp_path: Path) -> None:
    # ReadMe's schema-validation example: `{` and `}` with no quantifier are literal characters.
    guid = {"type": "string", "pattern": GUID}
    obj = {"type": "object", "properties": {"id": guid}, "patternProperties": {"^{x}$": {"type": "integer"}}}
    example = {"id": "{" + "abcd" * 8 + "}", "{x}": 1}
    content = {"application/json": {"schema": obj, "example": example}}
    paths = {
        "/g": {"get": {"operationId": "g", "responses": {"200": {"description": "ok", "content": content}}}}
    }
    code, said, contract = imported(tmp_path, doc(paths))
    assert code == 0, said
    assert contract is not None
    schema = contract["operations"][0]["responses"]["200"]["schema"]
    assert schema["properties"]["id"]["pattern"] == GUID.replace("{[", "\\{[").replace("}}", "}\\}")
    assert list(schema["patternProperties"]) == ["^\\{x\\}$"]
    assert "pattern-unsupported" not in said and "is not checked" not in said
    checked = _check_recordings(tmp_path)
    assert checked.returncode == 0, checked.stdout
    # The same value without its braces is refused: the pattern is checked, not skipped.
    recording = next((tmp_path / "r").iterdir())
    data = json.loads(recording.read_text())
    data["body"]["id"] = "abcd" * 8 + "}"
    recording.write_text(json.dumps(data))
    checked = _check_recordings(tmp_path)
    assert checked.returncode == 1, checked.stdout


def test_template_expressions_inside_a_segment_keep_their_declared_parameters(tmp_path: Path) -> None:
    # GitHub's `/compare/{base}...{head}`; `/files/{name}.json` is as common.
    def param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "path", "required": True, "schema": schema}

    ok = {"200": {"description": "ok"}}
    paths = {
        "/compare/{base}...{head}": {
            "get": {
                "operationId": "compare",
                "parameters": [
                    param("base", {"type": "string", "minLength": 1}),
                    param("head", {"type": "string"}),
                ],
                "responses": ok,
            }
        },
        "/files/{name}.json": {
            "get": {
                "operationId": "file",
                "parameters": [param("name", {"type": "integer"})],
                "responses": ok,
            }
        },
    }
    code, said, contract = imported(tmp_path, doc(paths))
    assert code == 0, said
    assert contract is not None
    params = {op["id"]: {p["name"]: p["schema"] for p in op["parameters"]} for op in contract["operations"]}
    assert params == {
        "compare": {"base": {"type": "string", "minLength": 1}, "head": {"type": "string"}},
        "file": {"name": {"type": "integer"}},
    }
    assert "not in the template" not in said and "is not declared" not in said


def test_a_schema_naming_an_older_dialect_is_converted_to_2020_12(tmp_path: Path) -> None:
    # ReadMe's 3.1 example: `$schema: draft-04` with boolean exclusive bounds.
    def param(name: str, dialect: str) -> dict[str, Any]:
        schema = {
            "$schema": dialect,
            "type": "number",
            "minimum": 10,
            "maximum": 20,
            "exclusiveMinimum": True,
            "exclusiveMaximum": True,
        }
        if "draft-07" in dialect:
            schema.update(exclusiveMinimum=10, exclusiveMaximum=20)
            del schema["minimum"], schema["maximum"]
        return {"name": name, "in": "query", "required": True, "schema": schema}

    dialects = ["http://json-schema.org/draft-04/schema#", "https://json-schema.org/draft-07/schema#"]
    params = [param(f"n{i}", d) for i, d in enumerate(dialects)]
    paths = {
        "/n": {"get": {"operationId": "n", "parameters": params, "responses": {"200": {"description": "ok"}}}}
    }
    code, said, contract = imported(tmp_path, doc(paths, openapi="3.1.0"))
    assert code == 0, said
    assert contract is not None
    schemas = [p["schema"] for p in contract["operations"][0]["parameters"]]
    assert schemas == [{"type": "number", "exclusiveMinimum": 10, "exclusiveMaximum": 20}] * 2


def test_a_ref_key_in_example_data_is_data_not_a_file_to_read(tmp_path: Path) -> None:
    # GitHub's GHEC document: components/examples/server-statistics/value/0/actions_stats holds
    # `{$ref: server-statistics-actions.yaml}`, a file that does not exist; an Example object in
    # another file is data as well.
    stats = {"value": {"host": "h", "actions_stats": {"$ref": "server-statistics-actions.yaml"}}}
    (tmp_path / "examples.yaml").write_text(
        json.dumps({"Other": {"value": {"host": "o", "more": {"$ref": "nowhere.yaml"}}}})
    )
    schema = {"type": "object", "properties": {"host": {"type": "string"}}}
    examples = {"stats": {"$ref": "#/components/examples/stats"}, "other": {"$ref": "./examples.yaml#/Other"}}
    content = {"application/json": {"schema": schema, "examples": examples}}
    paths = {
        "/s": {"get": {"operationId": "s", "responses": {"200": {"description": "ok", "content": content}}}}
    }
    code, said, contract = imported(tmp_path, doc(paths, components={"examples": {"stats": stats}}))
    assert code == 0, said
    assert contract is not None
    bodies = sorted(
        (json.loads(p.read_text())["body"] for p in (tmp_path / "r").iterdir()), key=lambda b: b["host"]
    )
    assert [b["host"] for b in bodies] == ["h", "o"]


def test_an_operation_without_responses_is_imported_and_reported_in_3_0_only(tmp_path: Path) -> None:
    # openapi-diff's bc_response_apiresponse_base.yaml: `post` with no `responses` at all.
    paths = {"/w": {"post": {"operationId": "index"}}}
    for version, reported in (("3.0.0", True), ("3.1.0", False)):
        folder = tmp_path / version
        folder.mkdir()
        code, said, contract = imported(folder, doc(paths, openapi=version))
        assert code == 0, said
        assert contract is not None and contract["operations"][0]["responses"] == {}
        assert ("no 'responses' (OpenAPI 3.0 requires them)" in said) is reported, said


def _check_recordings(folder: Path) -> Any:
    """`apidrift check` of the imported examples (recordings `r`) against the imported contract."""
    arguments = ("--api", "real", "--contracts", "c", "--recordings", "r", "--against", "1.0.0")
    return run_cli("check", *arguments, "--no-reports", cwd=folder)
