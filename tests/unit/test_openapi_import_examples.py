"""openapi_examples.py and openapi_checks.py: a spec's documented examples, as recordings, checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apidrift.check.recordings import load_recordings, write_recordings
from apidrift.check.run import check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.openapi.checks import check_examples, concrete_path, example_recordings, recording_names
from apidrift.openapi.convert import ImportResult, import_document

USER = {
    "type": "object",
    "required": ["id", "role"],
    "properties": {"id": {"type": "string"}, "role": {"type": "string", "enum": ["owner", "reader"]}},
}


def document() -> dict[str, Any]:
    user = {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/organization/users/{user_id}": {
                "get": {
                    "operationId": "get-user",
                    "parameters": [
                        {
                            "name": "user_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "example": "u_1"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "the user",
                            "content": {
                                "application/json": {
                                    **user["application/json"],
                                    "example": {"id": "u_1", "role": "owner"},
                                    "examples": {
                                        "reader": {"value": {"id": "u_2", "role": "reader"}},
                                        "stale": {"$ref": "#/components/examples/Stale"},
                                        "remote": {"externalValue": "https://example.invalid/u.json"},
                                        "text": {"value": '{"id": "u_3", "role": "owner",}'},
                                        "hollow": {"summary": "no value"},
                                    },
                                }
                            },
                        },
                        "404": {"description": "missing"},
                    },
                    "x-oaiMeta": {
                        "examples": {"request": "curl", "response": '{"id": "u_1", "role": "owner"}'}
                    },
                },
            },
            "/organization/users": {
                "post": {
                    "operationId": "create-user",
                    "parameters": [
                        {
                            "name": "dry_run",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "boolean", "example": True},
                        }
                    ],
                    "responses": {
                        "201": {"description": "created", "content": user},
                        "400": {
                            "description": "bad",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                    "x-oaiMeta": {
                        "examples": [
                            {"response": '{"id": "u_9", "role": "admin", "email": "a@b"}'},
                            {"response": '{"id": "u_9", "role": "owner", "email": "a@b"}'},
                            {"error_response": '{"code": 404}'},
                        ]
                    },
                },
            },
        },
        "components": {
            "schemas": {"User": USER},
            "examples": {"Stale": {"value": {"id": "u_4", "role": "admin"}}},
        },
    }


@pytest.fixture
def result() -> ImportResult:
    return import_document(document(), api="t", version="v1", source="openapi spec.yaml", file="spec.yaml")


def test_every_kind_of_documented_example_is_found(result: ImportResult) -> None:
    found = [(e.operation_id, e.status, e.label, json.dumps(e.body, sort_keys=True)) for e in result.examples]
    assert found == [
        ("get-user", "200", "x-oaiMeta", '{"id": "u_1", "role": "owner"}'),
        ("get-user", "200", "example", '{"id": "u_1", "role": "owner"}'),
        ("get-user", "200", "examples/reader", '{"id": "u_2", "role": "reader"}'),
        ("get-user", "200", "examples/stale", '{"id": "u_4", "role": "admin"}'),
        ("get-user", "200", "examples/text", '{"id": "u_3", "role": "owner"}'),
        # x-oaiMeta examples take the operation's documented success status, here 201.
        ("create-user", "201", "x-oaiMeta", '{"email": "a@b", "id": "u_9", "role": "admin"}'),
        ("create-user", "201", "x-oaiMeta-2", '{"email": "a@b", "id": "u_9", "role": "owner"}'),
    ]
    sources = {e.label: e.source for e in result.examples if e.operation_id == "get-user"}
    assert sources["x-oaiMeta"] == "openapi spec.yaml x-oaiMeta get-user"
    assert sources["examples/reader"] == "openapi spec.yaml 200 examples/reader get-user"


def test_example_defects_are_problems(result: ImportResult) -> None:
    assert [p.describe() for p in result.problems] == [
        "get-user: example remote of status 200 is external (not checked)",
        "get-user: example hollow of status 200 has no value",
        "get-user: examples/text of status 200 has trailing commas (not strict JSON)",
        "get-user: examples/text of status 200 is JSON text in a string, not a JSON value",
        "create-user: x-oaiMeta error_response not checked: it names no status",
    ]
    media = "/paths/~1organization~1users~1{user_id}/get/responses/200/content/application~1json"
    assert [(p.kind, p.file, p.pointer) for p in result.problems[:4]] == [
        ("example-external", "spec.yaml", f"{media}/examples/remote"),
        ("example-no-value", "spec.yaml", f"{media}/examples/hollow"),
        ("example-trailing-commas", "spec.yaml", f"{media}/examples/text/value"),
        ("example-json-text", "spec.yaml", f"{media}/examples/text/value"),
    ]


def test_a_dangling_example_ref_is_an_error() -> None:
    from apidrift.errors import OpenAPIError

    broken = document()
    del broken["components"]["examples"]
    with pytest.raises(OpenAPIError, match=r"dangling \$ref '#/components/examples/Stale'") as info:
        import_document(broken, api="t", version="v1", file="spec.yaml")
    assert info.value.pointer.endswith("/content/application~1json/examples/stale")


def test_examples_are_checked_against_their_own_schema(result: ImportResult) -> None:
    checks = check_examples(result.version, result.examples)
    verdicts = {(c.example.operation_id, c.example.label): (c.agrees, c.contradicts) for c in checks}
    assert verdicts == {
        ("get-user", "x-oaiMeta"): (True, False),
        ("get-user", "example"): (True, False),
        ("get-user", "examples/reader"): (True, False),
        ("get-user", "examples/stale"): (False, True),  # role admin is not in the enum
        ("get-user", "examples/text"): (True, False),
        ("create-user", "x-oaiMeta"): (False, True),
        ("create-user", "x-oaiMeta-2"): (False, False),  # valid, but shows an undocumented field
    }
    by_label = {(c.example.operation_id, c.example.label): c for c in checks}
    assert by_label[("get-user", "x-oaiMeta")].findings() == []
    stale = by_label[("get-user", "examples/stale")]
    assert stale.result is not None
    assert [(v.field, v.keyword) for v in stale.result.violations] == [("role", "enum")]
    assert len(stale.findings()) == 1 and stale.findings()[0].startswith("role: ")
    assert by_label[("create-user", "x-oaiMeta-2")].findings() == ["email: undocumented field (string)"]
    # Violations first, then undocumented fields.
    wrong_role = by_label[("create-user", "x-oaiMeta")].findings()
    assert wrong_role[0].startswith("role: ") and wrong_role[1:] == ["email: undocumented field (string)"]


def test_an_example_for_an_undocumented_status_cannot_be_checked(result: ImportResult) -> None:
    from dataclasses import replace

    example = replace(result.examples[0], status="418")
    (check,) = check_examples(result.version, [example])
    assert check.result is None and not check.agrees and check.contradicts
    assert check.findings() == ["get-user in v1 documents no status 418 (documented: 200, 404)"]


def test_recordings_of_the_examples(result: ImportResult, tmp_path: Path) -> None:
    recordings = example_recordings(result.version, result.examples)
    names = [name for name, _ in recordings]
    assert names == recording_names(result.examples)
    assert names == [
        "get-user.200.x-oaiMeta.json",
        "get-user.200.example.json",
        "get-user.200.examples_reader.json",
        "get-user.200.examples_stale.json",
        "get-user.200.examples_text.json",
        "create-user.201.x-oaiMeta.json",
        "create-user.201.x-oaiMeta-2.json",
    ]
    by_name = dict(recordings)
    reader = by_name["get-user.200.examples_reader.json"]
    assert (reader.operation, reader.method, reader.path, reader.status) == (
        "get-user",
        "GET",
        "/organization/users/u_1",
        200,
    )
    assert reader.provenance is not None
    assert reader.provenance.version == "v1"
    assert reader.provenance.source == "openapi spec.yaml 200 examples/reader get-user"
    created = by_name["create-user.201.x-oaiMeta.json"]
    assert (created.path, created.query, created.status) == ("/organization/users", {"dry_run": "True"}, 201)

    # Written and read back by the ordinary loader, then checked by the ordinary check run.
    result.version.write(tmp_path / "contracts" / "t" / "v1")
    write_recordings(tmp_path / "recordings", recordings)
    assert not load_recordings(tmp_path / "recordings").errors
    run = check_recordings(ContractStore(tmp_path / "contracts", "t"), tmp_path / "recordings")
    assert not run.input_errors
    assert sorted(r.file for r in run.failures) == [
        "create-user.201.x-oaiMeta.json",
        "get-user.200.examples_stale.json",
    ]


def test_a_single_example_per_operation_is_named_after_the_operation(result: ImportResult) -> None:
    only = [e for e in result.examples if e.label == "x-oaiMeta"]
    assert recording_names(only) == ["get-user.json", "create-user.json"]


def test_concrete_path_falls_back_to_the_parameter_name(result: ImportResult) -> None:
    operation = result.version.operations["get-user"]
    assert concrete_path(operation) == "/organization/users/u_1"
    from dataclasses import replace

    bare = replace(
        operation, parameters=tuple(replace(p, schema={"type": "string"}) for p in operation.parameters)
    )
    assert concrete_path(bare) == "/organization/users/user_id"


def test_examples_of_a_status_range_are_checked_but_not_recorded() -> None:
    spec = document()
    get = spec["paths"]["/organization/users/{user_id}"]["get"]
    get["responses"] = {"2XX": get["responses"]["200"]}
    result = import_document(spec, api="t", version="v1", source="openapi spec.yaml")
    assert {e.status for e in result.examples} == {"2XX", "201"}
    checks = check_examples(result.version, [e for e in result.examples if e.status == "2XX"])
    assert checks and all(c.result is not None for c in checks)
    assert {r.status for _, r in example_recordings(result.version, result.examples)} == {201}
