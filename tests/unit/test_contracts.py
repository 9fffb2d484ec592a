"""contracts.py: loading a contract folder, reference checks, the store, and the write/load round trip."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from apidrift.contracts.model import (
    CONTRACT_FILE,
    SCHEMAS_FILE,
    ContractStore,
    ContractVersion,
    base_uri,
    load_version,
)
from apidrift.errors import ContractError, UnknownOperationError, UnknownVersionError

SCHEMAS: dict[str, Any] = {
    "$defs": {
        "Widget": {
            "type": "object",
            "required": ["id", "owner"],
            "properties": {
                "id": {"type": "string"},
                "owner": {"anyOf": [{"$ref": "#/$defs/Owner"}, {"type": "null"}]},
            },
        },
        "Owner": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    }
}

CONTRACT: dict[str, Any] = {
    "api": "demo",
    "version": "v1",
    "date": "2026-01-01",
    "description": "A demo contract",
    "sources": ["hand-written"],
    "maintainer": "team-x",
    "operations": [
        {
            "id": "get-widget",
            "method": "get",
            "path": "/widgets/{widget_id}",
            "summary": "Get a widget",
            "parameters": [
                {"name": "widget_id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "expand", "in": "query", "schema": {"type": "boolean"}, "description": "More"},
            ],
            "responses": {
                "200": {"description": "The widget", "schema": {"$ref": "schemas.json#/$defs/Widget"}},
                "204": {"description": "Nothing", "schema": None},
            },
        },
        {
            "id": "create-widget",
            "method": "POST",
            "path": "/widgets",
            "request_body": {"required": True, "schema": {"$ref": "schemas.json#/$defs/Owner"}},
            "responses": {
                "201": {"description": "Created", "schema": {"$ref": "schemas.json#/$defs/Widget"}},
            },
        },
    ],
}


def write_contract(
    folder: Path, contract: Any = None, schemas: Any = None, *, raw_contract: str | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = raw_contract if raw_contract is not None else json.dumps(contract or CONTRACT, indent=2)
    (folder / CONTRACT_FILE).write_text(text, encoding="utf-8")
    (folder / SCHEMAS_FILE).write_text(json.dumps(schemas or SCHEMAS, indent=2), encoding="utf-8")
    return folder


def contract_with(**changes: Any) -> dict[str, Any]:
    """A deep copy of CONTRACT whose first operation has `changes` applied (None deletes a key)."""
    contract = copy.deepcopy(CONTRACT)
    op = contract["operations"][0]
    for key, value in changes.items():
        if value is None:
            del op[key]
        else:
            op[key] = value
    return contract


@pytest.fixture
def version(tmp_path: Path) -> ContractVersion:
    return load_version(write_contract(tmp_path / "v1"))


# --- a valid contract ----------------------------------------------------------------------


def test_minimal_contract_loads(version: ContractVersion) -> None:
    assert (version.api, version.version, version.date) == ("demo", "v1", "2026-01-01")
    assert version.sources == ("hand-written",)
    assert list(version.operations) == ["get-widget", "create-widget"]
    assert set(version.schemas) == {"Widget", "Owner"}
    assert version.extra == {"maintainer": "team-x"}
    op = version.operation("get-widget")
    assert op.method == "GET"  # upper-cased on load
    assert op.key == "GET /widgets/{widget_id}"
    assert [p.name for p in op.path_params] == ["widget_id"]
    assert [(p.name, p.required, p.description) for p in op.query_params] == [("expand", False, "More")]
    assert sorted(op.responses) == ["200", "204"]
    assert op.responses["204"].schema is None
    assert op.request_body is None
    body = version.operation("create-widget").request_body
    assert body is not None and body.required and body.content_type == "application/json"


def test_response_schema_resolves_refs_through_registry(version: ContractVersion) -> None:
    schema = version.response_schema("get-widget", 200)
    assert schema["$id"].startswith(base_uri("demo", "v1"))
    validator = Draft202012Validator(schema, registry=version.registry)
    assert validator.is_valid({"id": "w1", "owner": {"name": "Ada"}})
    assert validator.is_valid({"id": "w1", "owner": None})
    # The nested `#/$defs/Owner` inside schemas.json must resolve too: an owner without name fails.
    errors = list(validator.iter_errors({"id": "w1", "owner": {}}))
    assert errors, "an owner without 'name' must be rejected"
    assert not validator.is_valid({"owner": None})  # missing id
    assert not validator.is_valid({"id": 3, "owner": None})


def test_response_schema_accepts_int_or_str_status_and_undocumented_body(version: ContractVersion) -> None:
    assert version.response_schema("get-widget", "200") == version.response_schema("get-widget", 200)
    empty = version.response_schema("get-widget", 204)
    assert set(empty) == {"$schema", "$id"}
    assert Draft202012Validator(empty, registry=version.registry).is_valid({"anything": [1, 2]})


def test_request_schema(version: ContractVersion) -> None:
    assert version.request_schema("get-widget") is None
    schema = version.request_schema("create-widget")
    assert schema is not None
    validator = Draft202012Validator(schema, registry=version.registry)
    assert validator.is_valid({"name": "Ada"})
    assert not validator.is_valid({"name": 1})


def test_unknown_operation_id(version: ContractVersion) -> None:
    with pytest.raises(UnknownOperationError, match="no operation 'delete-widget'"):
        version.operation("delete-widget")
    with pytest.raises(UnknownOperationError):
        version.response_schema("delete-widget", 200)


def test_undocumented_status_lists_documented_ones(version: ContractVersion) -> None:
    with pytest.raises(UnknownOperationError) as info:
        version.response_schema("get-widget", 404)
    message = str(info.value)
    assert "no status 404" in message
    assert "documented: 200, 204" in message


# --- broken contracts ----------------------------------------------------------------------


def test_contract_that_is_not_json_names_file_line_and_column(tmp_path: Path) -> None:
    folder = write_contract(tmp_path / "v1", raw_contract='{\n  "api": "demo",\n  oops\n}\n')
    with pytest.raises(ContractError) as info:
        load_version(folder)
    message = str(info.value)
    assert str(folder / CONTRACT_FILE) in message
    assert "not JSON" in message
    assert "line 3 column 3" in message
    assert info.value.file == str(folder / CONTRACT_FILE)


def test_schemas_file_that_is_not_json(tmp_path: Path) -> None:
    folder = write_contract(tmp_path / "v1")
    (folder / SCHEMAS_FILE).write_text("{\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"schemas\.json: not JSON: .* at line 2 column 1"):
        load_version(folder)


def test_missing_contract_file(tmp_path: Path) -> None:
    tmp_path.joinpath("v1").mkdir()
    with pytest.raises(ContractError, match=r"contract\.json: cannot read: No such file or directory"):
        load_version(tmp_path / "v1")


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    folder = write_contract(tmp_path / "v1", contract_with(method=None))
    with pytest.raises(ContractError) as info:
        load_version(folder)
    assert info.value.message == "missing required field 'method'"
    assert info.value.file == str(folder / CONTRACT_FILE)
    assert info.value.pointer.startswith("/operations/0")


def test_missing_required_field_pointer_names_the_field(tmp_path: Path) -> None:
    folder = write_contract(tmp_path / "v1", contract_with(method=None))
    with pytest.raises(ContractError) as info:
        load_version(folder)
    assert info.value.pointer == "/operations/0/method"


def test_wrong_type_field_has_field_pointer(tmp_path: Path) -> None:
    folder = write_contract(tmp_path / "v1", contract_with(method=5))
    with pytest.raises(ContractError) as info:
        load_version(folder)
    assert info.value.pointer == "/operations/0/method"
    assert info.value.message == "'method' must be str, got int"
    assert str(info.value).endswith("contract.json#/operations/0/method: 'method' must be str, got int")


def test_missing_parameter_schema_points_into_parameters(tmp_path: Path) -> None:
    params = [{"name": "widget_id", "in": "path", "required": True}]
    folder = write_contract(tmp_path / "v1", contract_with(parameters=params))
    with pytest.raises(ContractError, match="missing required field 'schema'") as info:
        load_version(folder)
    assert info.value.pointer.startswith("/operations/0/parameters/0")


def test_dangling_ref_in_operation_points_at_the_ref(tmp_path: Path) -> None:
    responses = {"200": {"description": "x", "schema": {"$ref": "schemas.json#/$defs/Nope"}}}
    folder = write_contract(tmp_path / "v1", contract_with(responses=responses))
    with pytest.raises(ContractError) as info:
        load_version(folder)
    assert info.value.pointer == "/operations/0/responses/200/schema/$ref"
    assert info.value.message == "dangling $ref 'schemas.json#/$defs/Nope'"
    assert info.value.file == str(folder / CONTRACT_FILE)


def test_operation_ref_must_point_into_schemas_file(tmp_path: Path) -> None:
    responses = {"200": {"description": "x", "schema": {"$ref": "#/$defs/Widget"}}}
    folder = write_contract(tmp_path / "v1", contract_with(responses=responses))
    with pytest.raises(ContractError, match=r"must point into schemas\.json#/\$defs/"):
        load_version(folder)


def test_dangling_ref_inside_schemas_file(tmp_path: Path) -> None:
    schemas = copy.deepcopy(SCHEMAS)
    schemas["$defs"]["Owner"]["properties"]["team"] = {"$ref": "#/$defs/Team"}
    folder = write_contract(tmp_path / "v1", schemas=schemas)
    with pytest.raises(ContractError) as info:
        load_version(folder)
    assert info.value.file == str(folder / SCHEMAS_FILE)
    assert info.value.pointer == "/$defs/Owner/properties/team/$ref"
    assert "dangling $ref '#/$defs/Team'" in str(info.value)


def test_duplicate_operation_id(tmp_path: Path) -> None:
    contract = copy.deepcopy(CONTRACT)
    contract["operations"][1]["id"] = "get-widget"
    folder = write_contract(tmp_path / "v1", contract)
    with pytest.raises(ContractError) as info:
        load_version(folder)
    assert info.value.message == "duplicate operation id 'get-widget'"
    assert info.value.pointer == "/operations/1"


def test_top_level_must_be_object(tmp_path: Path) -> None:
    folder = write_contract(tmp_path / "v1", raw_contract="[]")
    with pytest.raises(ContractError, match="top level must be an object"):
        load_version(folder)


# --- writing -------------------------------------------------------------------------------


def test_to_files_shape(version: ContractVersion) -> None:
    files = version.to_files()
    assert set(files) == {CONTRACT_FILE, SCHEMAS_FILE}
    assert files[SCHEMAS_FILE]["$id"] == base_uri("demo", "v1") + SCHEMAS_FILE
    assert files[CONTRACT_FILE]["maintainer"] == "team-x"
    assert [op["id"] for op in files[CONTRACT_FILE]["operations"]] == ["get-widget", "create-widget"]


def test_write_then_load_round_trips(version: ContractVersion, tmp_path: Path) -> None:
    version.write(tmp_path / "copy")
    again = load_version(tmp_path / "copy")
    assert again.operations == version.operations
    assert again.schemas == version.schemas
    assert (again.api, again.version, again.date, again.description, again.sources, again.extra) == (
        version.api,
        version.version,
        version.date,
        version.description,
        version.sources,
        version.extra,
    )
    # Writing the reloaded version again is byte-for-byte stable.
    again.write(tmp_path / "copy2")
    for name in (CONTRACT_FILE, SCHEMAS_FILE):
        assert (tmp_path / "copy" / name).read_text() == (tmp_path / "copy2" / name).read_text()


# --- the store -----------------------------------------------------------------------------


@pytest.fixture
def tmp_store(tmp_path: Path) -> ContractStore:
    write_contract(tmp_path / "demo" / "v1")
    contract = copy.deepcopy(CONTRACT)
    contract["version"] = "v2"
    write_contract(tmp_path / "demo" / "v2", contract)
    (tmp_path / "demo" / "not-a-version").mkdir()
    return ContractStore(tmp_path, api="demo")


def test_store_labels_and_newest(tmp_store: ContractStore) -> None:
    assert tmp_store.labels() == ["v1", "v2"]
    assert tmp_store.newest() == "v2"
    assert tmp_store.load("v2").version == "v2"
    assert tmp_store.load("v1") is tmp_store.load("v1")  # cached


def test_store_unknown_version_lists_known_ones(tmp_store: ContractStore) -> None:
    with pytest.raises(UnknownVersionError) as info:
        tmp_store.load("v9")
    assert "no contract version 'v9' for demo" in str(info.value)
    assert "known: v1, v2" in str(info.value)


def test_empty_store(tmp_path: Path) -> None:
    empty = ContractStore(tmp_path, api="nothing")
    assert empty.labels() == []
    with pytest.raises(UnknownVersionError, match="known: none"):
        empty.load("v1")
    with pytest.raises(UnknownVersionError):
        empty.newest()


def test_bundled_store_versions_and_summaries(store: ContractStore) -> None:
    assert store.labels() == ["2026-04-30", "2026-05-02"]
    assert store.newest() == "2026-05-02"
    summaries = store.summaries()
    assert [s.version for s in summaries] == ["2026-04-30", "2026-05-02"]
    assert [s.operations for s in summaries] == [74, 74]
    for s in summaries:
        assert s.api == "openai-admin"
        assert s.schemas > 0
        assert s.folder == f"contracts/openai-admin/{s.version}"


def test_bundled_store_response_schemas_compile(store: ContractStore) -> None:
    """Every documented response schema of every bundled version is valid 2020-12 and its root resolves."""
    for version in store.load_all():
        for op in version.operations.values():
            for status in op.responses:
                schema = version.response_schema(op.id, status)
                Draft202012Validator.check_schema(schema)
                validator = Draft202012Validator(schema, registry=version.registry)
                # Validating forces the top-level `schemas.json#/$defs/...` reference to resolve.
                list(validator.iter_errors({}))


def test_the_public_api_resolves_and_import_apidrift_stays_light() -> None:
    import subprocess
    import sys

    import apidrift

    for name in apidrift.__all__:
        assert getattr(apidrift, name) is not None, name
    assert set(apidrift.__all__) - {"__version__"} == set(apidrift._EXPORTS), "__all__ lists every export"
    heavy = "('jsonschema', 'pydantic', 'httpx')"
    code = f"import sys, apidrift; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("where", ["contract", "schemas"])
def test_a_ref_pointing_inside_a_named_schema_is_refused_with_its_pointer(tmp_path: Path, where: str) -> None:
    schemas = copy.deepcopy(SCHEMAS)
    if where == "contract":
        ref = "schemas.json#/$defs/Owner/properties/team"
        responses = {"200": {"description": "x", "schema": {"$ref": ref}}}
        folder = write_contract(tmp_path / "v1", contract_with(responses=responses), schemas=schemas)
        pointer, file = "/operations/0/responses/200/schema/$ref", CONTRACT_FILE
    else:
        ref = "#/$defs/Owner/properties/team"
        schemas["$defs"]["Owner"]["properties"]["again"] = {"$ref": ref}
        folder = write_contract(tmp_path / "v1", schemas=schemas)
        pointer, file = "/$defs/Owner/properties/again/$ref", SCHEMAS_FILE
    with pytest.raises(ContractError) as info:
        load_version(folder)
    assert (info.value.file, info.value.pointer) == (str(folder / file), pointer)
    assert info.value.message.startswith(f"$ref {ref!r} points inside schema 'Owner'")
