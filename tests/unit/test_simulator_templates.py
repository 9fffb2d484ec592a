"""The simulator serves templates whose segments hold several expressions or literal text beside one
(`/compare/{base}...{head}`, `/files/{file_id}.json`): it reads each value, and finds ids in them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient
from test_diff import version as contract_version

from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.openapi.sources import import_openapi_file
from apidrift.profiles.model import ApiProfile, Auth
from apidrift.simulator import create_app
from apidrift.simulator.model import VersionModel
from apidrift.simulator.resources import Kind
from apidrift.simulator.routes import Simulator

FILE = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def _params(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Templates", "version": "1"},
    "servers": [{"url": "/v1"}],
    "paths": {
        "/repos/{owner}/{repo}/compare/{base}...{head}": {
            "get": {
                "operationId": "compare",
                "parameters": _params("owner", "repo", "base", "head"),
                "responses": {
                    "200": _ok({"type": "object", "properties": {"ahead_by": {"type": "integer"}}})
                },
            }
        },
        "/repos/{owner}/{repo}/compare/{base}": {
            "get": {
                "operationId": "compare-one",
                "parameters": _params("owner", "repo", "base"),
                "responses": {"200": _ok({"type": "object"})},
            }
        },
        "/files": {
            "get": {
                "operationId": "list-files",
                "responses": {"200": _ok({"type": "array", "items": {"$ref": "#/components/schemas/File"}})},
            },
            "post": {
                "operationId": "create-file",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {"200": _ok({"$ref": "#/components/schemas/File"})},
            },
        },
        "/files/{file_id}.json": {
            "get": {
                "operationId": "get-file",
                "parameters": _params("file_id"),
                "responses": {
                    "200": _ok({"$ref": "#/components/schemas/File"}),
                    "404": _ok({"type": "object"}),
                },
            }
        },
    },
    "components": {"schemas": {"File": FILE}},
}


@pytest.fixture
def version(tmp_path: Path) -> ContractVersion:
    spec = tmp_path / "templates.yaml"
    spec.write_text(yaml.safe_dump(DOCUMENT))
    return import_openapi_file(spec, version="1", scope=("/",)).version


@pytest.fixture
def client(version: ContractVersion, tmp_path: Path) -> TestClient:
    profile = ApiProfile(name="templates", auth=Auth(scheme="header", header="x-key"))
    store = ContractStore(tmp_path / "contracts", api="templates")
    return TestClient(create_app(version, profile=profile, store=store), headers={"x-key": "k"})


def test_several_expressions_in_one_segment_are_each_read(client: TestClient) -> None:
    simulator: Simulator = client.app.state.simulator  # type: ignore[attr-defined]
    found = simulator.match("GET", "/v1/repos/o/r/compare/main...dev")
    assert found is not None
    route, params = found
    assert route.op.id == "compare"
    assert params == {"owner": "o", "repo": "r", "base": "main", "head": "dev"}
    # Without the literal `...` the path is the one-expression template's.
    other = simulator.match("GET", "/v1/repos/o/r/compare/main")
    assert other is not None and other[0].op.id == "compare-one" and other[1]["base"] == "main"
    answer = client.get("/v1/repos/o/r/compare/main...dev")
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) <= {"ahead_by"}


def test_an_id_beside_literal_text_names_an_item(version: ContractVersion, client: TestClient) -> None:
    model = VersionModel(version, 0, lambda: 0, {})
    role = model.resources.roles["get-file"]
    assert (role.kind, role.collection, role.item_param) == (Kind.RETRIEVE, "/files", "file_id")
    created = client.post("/v1/files", json={"name": "report"})
    assert created.status_code == 200, created.text
    ident = created.json()["id"]
    fetched = client.get(f"/v1/files/{ident}.json")
    assert fetched.status_code == 200, fetched.text
    assert fetched.json() == created.json()
    missing = client.get("/v1/files/nothing-here.json")
    assert missing.status_code == 404
    assert "nothing-here" in missing.text


def test_a_collection_below_such_an_item_is_owned_by_its_collection() -> None:
    from apidrift.contracts.model import Operation
    from apidrift.simulator.resources import infer

    def op(ident: str, method: str, path: str) -> Operation:
        return Operation(ident, method, path, "", (), None, {})

    ops = [
        op("list-files", "GET", "/files"),
        op("get-file", "GET", "/files/{file_id}.json"),
        op("list-versions", "GET", "/files/{file_id}.json/versions"),
        op("get-version", "GET", "/files/{file_id}.json/versions/v{number}"),
    ]
    version = contract_version("1", ops)
    resources = infer(version, {"list-files": True, "list-versions": True})
    versions = resources.collections["/files/{file_id}.json/versions"]
    assert (versions.parents, versions.item_param) == (("file_id",), "number")
    assert resources.owner_of(versions.path, "file_id") is resources.collections["/files"]
    assert resources.roles["get-version"].kind is Kind.RETRIEVE
