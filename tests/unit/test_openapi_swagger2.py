"""Swagger 2.0 documents converted to OpenAPI 3.0.3 (`openapi/swagger2.py`) and imported through it:
each conversion rule, refs, forms, collection formats, media types, security, errors with pointers
into the 2.0 document, and the swagger2openapi fixtures swept."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidrift.check.validation import ResponseValidator
from apidrift.errors import ApidriftError, OpenAPIError
from apidrift.openapi.components import FindingKind
from apidrift.openapi.convert import import_document
from apidrift.openapi.document import load_document
from apidrift.openapi.sources import import_openapi_file
from apidrift.openapi.swagger2 import SWAGGER2_KEY, convert_swagger2, original_pointer
from cli_support import load_tool

CORPUS = Path(__file__).parents[1] / "fixtures" / "peer_corpus" / "swagger2openapi"
TOOL = Path(__file__).parents[2] / "tools" / "swagger2_sweep.py"


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Imports cached by content would carry the file name of an earlier run's findings."""
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))


def doc(**parts: Any) -> dict[str, Any]:
    """A Swagger 2.0 document with the given top-level parts (no paths unless given)."""
    return {"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {}, **parts}


def op_doc(op: dict[str, Any], **parts: Any) -> dict[str, Any]:
    return doc(paths={"/things/{id}": {"post": {"responses": {"200": {"description": "ok"}}, **op}}}, **parts)


def converted_op(op: dict[str, Any], **parts: Any) -> dict[str, Any]:
    result = convert_swagger2(op_doc(op, **parts))
    post: dict[str, Any] = result["paths"]["/things/{id}"]["post"]
    return post


# Document level ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "urls"),
    [
        (
            {"host": "api.x.com", "basePath": "/v1", "schemes": ["https", "http"]},
            ["https://api.x.com/v1", "http://api.x.com/v1"],
        ),
        ({"host": "api.x.com", "basePath": "/v1/"}, ["//api.x.com/v1"]),
        ({"host": "api.x.com", "basePath": "/", "schemes": ["https"]}, ["https://api.x.com"]),
        ({"basePath": "/api/v2"}, ["/api/v2"]),
        ({}, None),
    ],
)
def test_host_base_path_and_schemes_become_servers(parts: dict[str, Any], urls: list[str] | None) -> None:
    result = convert_swagger2(doc(**parts))
    assert result["openapi"] == "3.0.3"
    assert [s["url"] for s in result["servers"]] == urls if urls else "servers" not in result
    assert not {"host", "basePath", "schemes", "swagger"} & result.keys()


def test_the_base_path_stays_the_prefix_the_simulator_and_traffic_matcher_use(tmp_path: Path) -> None:
    from apidrift.profiles.model import ApiProfile
    from apidrift.simulator.routes import base_path_of

    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(op_doc({}, host="api.x.com", basePath="/v1", schemes=["https"])))
    version = import_openapi_file(path).version
    assert version.servers == ("https://api.x.com/v1",)
    assert base_path_of(version, ApiProfile.generic("t")) == "/v1"


def test_an_operation_s_own_schemes_are_its_servers() -> None:
    parts = {"host": "api.x.com", "basePath": "/v1", "schemes": ["https"]}
    own = converted_op({"schemes": ["wss", "https"]}, **parts)
    assert [s["url"] for s in own["servers"]] == ["wss://api.x.com/v1", "https://api.x.com/v1"]
    assert "schemes" not in own
    assert "servers" not in converted_op({"schemes": ["https"]}, **parts)  # the document's: nothing added
    with pytest.raises(OpenAPIError) as info:
        convert_swagger2(op_doc({"schemes": "https"}, **parts))
    assert info.value.pointer == "/paths/~1things~1{id}/post/schemes"


def test_a_change_of_an_operation_s_schemes_is_a_server_change_in_the_diff(tmp_path: Path) -> None:
    from apidrift.diff.engine import diff_versions

    parts = {"host": "api.x.com", "basePath": "/v1", "schemes": ["https"]}
    versions = []
    for name, schemes in (("old", ["https", "http"]), ("new", ["https"])):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(op_doc({"operationId": "make", "schemes": schemes}, **parts)))
        versions.append(import_openapi_file(path).version)
    kinds = {c.kind.value for c in diff_versions(*versions).changes}
    assert "server-removed" in kinds


def test_the_input_is_never_changed() -> None:
    source = op_doc(
        {"parameters": [{"name": "b", "in": "body", "schema": {"$ref": "#/definitions/A"}}]},
        definitions={"A": {"type": "object", "properties": {"f": {"type": "file", "x-nullable": True}}}},
        host="h",
    )
    before = copy.deepcopy(source)
    convert_swagger2(source)
    assert source == before


def test_definitions_become_schemas_with_their_2_0_keywords_translated() -> None:
    result = convert_swagger2(
        doc(
            definitions={
                "Pet": {
                    "type": "object",
                    "discriminator": "kind",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string"},
                        "name": {"type": "string", "x-nullable": True},
                        "photo": {"type": "file"},
                        "owner": {"$ref": "#/definitions/Owner"},
                        "example": {"$ref": "#/definitions/Owner"},  # a property named like a keyword
                        "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                    },
                    "example": {"$ref": "#/definitions/Owner"},  # data: left as written
                    "x-vendor": {"kept": True},
                },
                "Owner": {
                    "allOf": [{"$ref": "#/definitions/Tag"}],
                    "additionalProperties": {"$ref": "#/definitions/Tag"},
                },
                "Tag": {"type": "string"},
            }
        )
    )
    schemas = result["components"]["schemas"]
    pet = schemas["Pet"]
    assert pet["discriminator"] == {"propertyName": "kind"}
    assert pet["properties"]["name"] == {"type": "string", "nullable": True}
    assert pet["properties"]["photo"] == {"type": "string", "format": "binary"}
    assert pet["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert pet["properties"]["example"] == {"$ref": "#/components/schemas/Owner"}
    assert pet["properties"]["tags"]["items"] == {"$ref": "#/components/schemas/Tag"}
    assert pet["example"] == {"$ref": "#/definitions/Owner"}
    assert pet["x-vendor"] == {"kept": True}
    assert schemas["Owner"] == {
        "allOf": [{"$ref": "#/components/schemas/Tag"}],
        "additionalProperties": {"$ref": "#/components/schemas/Tag"},
    }
    assert "definitions" not in result


def test_an_x_discriminator_with_a_mapping_becomes_3_0_s_discriminator() -> None:
    mapping = {"dog": "Hound", "cat": "#/definitions/Feline"}
    result = convert_swagger2(
        doc(definitions={"Pet": {"x-discriminator": {"propertyName": "t", "mapping": mapping}}})
    )
    assert result["components"]["schemas"]["Pet"]["discriminator"] == {
        "propertyName": "t",
        "mapping": {"dog": "Hound", "cat": "#/components/schemas/Feline"},
    }


POLYMORPHIC = {
    "Pet": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}},
        "discriminator": "kind",
    },
    "Dog": {
        "x-ms-discriminator-value": "dog",
        "allOf": [
            {"$ref": "#/definitions/Pet"},
            {"required": ["bark"], "properties": {"bark": {"type": "integer"}}},
        ],
    },
    "Cat": {"allOf": [{"$ref": "#/definitions/Pet"}, {"properties": {"lives": {"type": "integer"}}}]},
}


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"kind": "dog", "bark": 1}, True),
        ({"kind": "dog", "bark": "x"}, False),  # the value Dog declares selects it
        ({"kind": "Dog"}, False),  # and its name still does
        ({"kind": "Cat", "lives": "x"}, False),  # a schema declaring no value is selected by its name
        ({"kind": "parrot", "bark": "x"}, True),  # a value selecting nothing leaves Pet alone
    ],
)
def test_a_2_0_discriminator_selects_the_definition_extending_the_base(
    body: dict[str, Any], valid: bool
) -> None:
    response = {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}}
    document = doc(
        paths={
            "/pets": {"get": {"operationId": "pets", "produces": ["application/json"], "responses": response}}
        },
        definitions=POLYMORPHIC,
    )
    version = import_document(convert_swagger2(document), api="t", version="v1").version
    assert version.schemas["Pet"]["x-discriminator"] == {"propertyName": "kind", "mapping": {"dog": "Dog"}}
    assert ResponseValidator(version).validate("pets", 200, body).valid is valid


def test_refs_into_other_files_are_kept_relative() -> None:
    result = convert_swagger2(
        doc(definitions={"A": {"$ref": "common.yaml#/definitions/B"}, "C": {"$ref": "./c.json"}})
    )
    assert result["components"]["schemas"] == {
        "A": {"$ref": "common.yaml#/definitions/B"},
        "C": {"$ref": "./c.json"},
    }


def test_component_names_3_0_refuses_are_made_valid_and_refs_follow() -> None:
    result = convert_swagger2(
        op_doc(
            {"responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Error~1400"}}}},
            definitions={"Error/400": {"type": "object"}, "Error_400": {"type": "string"}},
        )
    )
    assert set(result["components"]["schemas"]) == {"Error_4002", "Error_400"}
    response = result["paths"]["/things/{id}"]["post"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error_4002"}


def test_vendor_extensions_are_kept_everywhere() -> None:
    result = convert_swagger2(
        op_doc(
            {"x-op": 1, "parameters": [{"name": "q", "in": "query", "type": "string", "x-param": 2}]},
            **{"x-top": 3},
        )
    )
    post = result["paths"]["/things/{id}"]["post"]
    assert (result["x-top"], post["x-op"], post["parameters"][0]["x-param"]) == (3, 1, 2)


# Parameters --------------------------------------------------------------------------------------


def test_a_parameter_s_value_keywords_become_its_schema() -> None:
    raw = {
        "name": "limit",
        "in": "query",
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 100,
        "exclusiveMaximum": True,
        "default": 20,
        "enum": [10, 20, 100],
        "required": False,
        "description": "how many",
        "x-example": 10,
    }
    (param,) = converted_op({"parameters": [raw]})["parameters"]
    assert param == {
        "name": "limit",
        "in": "query",
        "description": "how many",
        "required": False,
        "example": 10,
        "schema": {
            "type": "integer",
            "format": "int32",
            "enum": [10, 20, 100],
            "default": 20,
            "maximum": 100,
            "exclusiveMaximum": True,
            "minimum": 1,
        },
    }


def test_path_parameters_are_required_and_path_level_ones_stay_there() -> None:
    result = convert_swagger2(
        doc(
            paths={
                "/things/{id}": {
                    "parameters": [{"name": "id", "in": "path", "type": "string"}],
                    "get": {"responses": {"200": {"description": "ok"}}},
                }
            }
        )
    )
    item = result["paths"]["/things/{id}"]
    assert item["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert "parameters" not in item["get"]


@pytest.mark.parametrize(
    ("location", "form", "expected"),
    [
        ("query", "csv", {"style": "form", "explode": False}),
        ("query", None, {"style": "form", "explode": False}),  # 2.0's default for an array is csv
        ("header", "csv", {"style": "simple"}),
        ("path", "csv", {"style": "simple"}),
        ("query", "multi", {"style": "form", "explode": True}),
        ("query", "ssv", {"style": "spaceDelimited", "explode": False}),
        ("query", "pipes", {"style": "pipeDelimited", "explode": False}),
        ("query", "tsv", {"x-collectionFormat": "tsv"}),
        ("header", "pipes", {"x-collectionFormat": "pipes"}),
    ],
)
def test_collection_formats_become_styles(location: str, form: str | None, expected: dict[str, Any]) -> None:
    raw: dict[str, Any] = {"name": "id", "in": location, "type": "array", "items": {"type": "string"}}
    if form:
        raw["collectionFormat"] = form
    (param,) = converted_op({"parameters": [raw]})["parameters"]
    assert {k: v for k, v in param.items() if k in ("style", "explode", "x-collectionFormat")} == expected
    assert param["schema"] == {"type": "array", "items": {"type": "string"}}


def test_a_referenced_parameter_stays_a_reference_into_components() -> None:
    parameters = {"Limit": {"name": "limit", "in": "query", "type": "integer"}}
    result = convert_swagger2(op_doc({"parameters": [{"$ref": "#/parameters/Limit"}]}, parameters=parameters))
    assert result["paths"]["/things/{id}"]["post"]["parameters"] == [
        {"$ref": "#/components/parameters/Limit"}
    ]
    assert result["components"]["parameters"]["Limit"]["schema"] == {"type": "integer"}


# Request bodies ----------------------------------------------------------------------------------

BODY = {
    "name": "thing",
    "in": "body",
    "required": True,
    "description": "it",
    "schema": {"$ref": "#/definitions/T"},
}


@pytest.mark.parametrize(
    ("op_consumes", "global_consumes", "media"),
    [
        (None, None, ["application/json"]),
        (None, ["application/xml", "application/json"], ["application/xml", "application/json"]),
        (["text/plain"], ["application/json"], ["text/plain"]),
    ],
)
def test_a_body_parameter_becomes_a_request_body_per_consumed_media_type(
    op_consumes: list[str] | None, global_consumes: list[str] | None, media: list[str]
) -> None:
    op: dict[str, Any] = {"parameters": [BODY]}
    if op_consumes:
        op["consumes"] = op_consumes
    parts = {"consumes": global_consumes} if global_consumes else {}
    post = converted_op(op, definitions={"T": {}}, **parts)
    body = post["requestBody"]
    assert list(body["content"]) == media
    assert all(m["schema"] == {"$ref": "#/components/schemas/T"} for m in body["content"].values())
    assert (body["required"], body["description"]) == (True, "it")
    assert "parameters" not in post and "consumes" not in post


def test_a_referenced_body_parameter_becomes_a_request_body_component() -> None:
    result = convert_swagger2(
        op_doc(
            {"parameters": [{"$ref": "#/parameters/Thing"}]},
            parameters={"Thing": BODY},
            definitions={"T": {}},
        )
    )
    assert result["paths"]["/things/{id}"]["post"]["requestBody"] == {
        "$ref": "#/components/requestBodies/Thing"
    }
    assert result["components"]["requestBodies"]["Thing"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/T"
    }
    assert "parameters" not in result["components"]


_OTHER_FILE = {
    "Body": {"name": "b", "in": "body", "required": True, "schema": {"type": "object", "required": ["n"]}},
    "Name": {"name": "name", "in": "formData", "type": "string", "required": True},
    "Q": {"name": "q", "in": "query", "type": "integer"},
}


@pytest.mark.parametrize(
    ("where", "refs", "consumes", "media", "required"),
    [
        (
            "operation",
            ["Body", "Q"],
            ["application/json", "text/json"],
            ["application/json", "text/json"],
            ["n"],
        ),
        ("path", ["Body"], None, ["application/json"], ["n"]),
        ("operation", ["Name"], None, ["application/x-www-form-urlencoded"], ["name"]),
    ],
)
def test_a_body_or_form_parameter_in_another_file_is_the_operation_s_request_body(
    tmp_path: Path,
    where: str,
    refs: list[str],
    consumes: list[str] | None,
    media: list[str],
    required: list[str],
) -> None:
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(_OTHER_FILE))
    params = [{"$ref": f"params.yaml#/{name}"} for name in refs]
    op: dict[str, Any] = {"operationId": "make", "responses": {"200": {"description": "ok"}}}
    op.update({"parameters": params} if where == "operation" else {})
    op.update({"consumes": consumes} if consumes else {})
    item: dict[str, Any] = {"post": op, **({"parameters": params} if where == "path" else {})}
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(doc(paths={"/things": item})))
    post = load_document(path)["paths"]["/things"]["post"]
    assert list(post["requestBody"]["content"]) == media
    assert post["requestBody"]["content"][media[0]]["schema"]["required"] == required
    assert [p["name"] for p in post.get("parameters", [])] == (["q"] if "Q" in refs else [])
    operation = import_openapi_file(path).version.operations["make"]
    assert operation.request_body is not None and operation.request_body.required is True
    assert all(p.location != "body" for p in operation.parameters)


@pytest.mark.parametrize(
    ("consumes", "file", "media"),
    [
        (None, False, "application/x-www-form-urlencoded"),
        (None, True, "multipart/form-data"),
        (["multipart/form-data"], False, "multipart/form-data"),
        (["application/x-www-form-urlencoded"], False, "application/x-www-form-urlencoded"),
    ],
)
def test_form_data_becomes_a_form_request_body(consumes: list[str] | None, file: bool, media: str) -> None:
    params: list[Any] = [
        {"name": "note", "in": "formData", "type": "string", "required": True, "description": "a note"},
        {"$ref": "#/parameters/Tags"},
    ]
    if file:
        params.append({"name": "upload", "in": "formData", "type": "file"})
    op: dict[str, Any] = {"parameters": params}
    if consumes:
        op["consumes"] = consumes
    tags = {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}}
    post = converted_op(op, parameters={"Tags": tags})
    body = post["requestBody"]
    assert list(body["content"]) == [media]
    schema = body["content"][media]["schema"]
    assert schema["required"] == ["note"] and body["required"] is True
    assert schema["properties"]["note"] == {"type": "string", "description": "a note"}
    assert schema["properties"]["tags"] == {"type": "array", "items": {"type": "string"}}
    if file:
        assert schema["properties"]["upload"] == {"type": "string", "format": "binary"}
    assert "parameters" not in post


def test_path_level_form_data_is_each_operation_s_body() -> None:
    result = convert_swagger2(
        doc(
            paths={
                "/f": {
                    "parameters": [
                        {"name": "a", "in": "formData", "type": "string"},
                        {"name": "q", "in": "query", "type": "string"},
                    ],
                    "post": {"responses": {"200": {"description": "ok"}}},
                    "put": {
                        "parameters": [{"name": "a", "in": "formData", "type": "integer"}],
                        "responses": {"200": {"description": "ok"}},
                    },
                }
            }
        )
    )
    item = result["paths"]["/f"]
    form = "application/x-www-form-urlencoded"
    assert item["post"]["requestBody"]["content"][form]["schema"]["properties"] == {"a": {"type": "string"}}
    assert item["put"]["requestBody"]["content"][form]["schema"]["properties"] == {"a": {"type": "integer"}}
    assert item["parameters"] == [{"name": "q", "in": "query", "schema": {"type": "string"}}]


# Responses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op_produces", "global_produces", "media"),
    [
        (None, None, ["application/json"]),
        (None, ["application/json", "text/csv"], ["application/json", "text/csv"]),
        (["application/xml"], ["application/json"], ["application/xml"]),
    ],
)
def test_a_response_schema_is_its_content_per_produced_media_type(
    op_produces: list[str] | None, global_produces: list[str] | None, media: list[str]
) -> None:
    response = {
        "description": "ok",
        "schema": {"type": "array", "items": {"$ref": "#/definitions/T"}},
        "headers": {"X-Rate": {"type": "integer", "description": "left", "minimum": 0}},
        "examples": {media[0]: [{"id": 1}]},
    }
    op: dict[str, Any] = {"responses": {"200": response, "204": {"description": "none"}}}
    if op_produces:
        op["produces"] = op_produces
    parts = {"produces": global_produces} if global_produces else {}
    responses = converted_op(op, definitions={"T": {}}, **parts)["responses"]
    ok = responses["200"]
    assert list(ok["content"]) == media
    assert ok["content"][media[0]]["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/T"}}
    assert ok["content"][media[0]]["example"] == [{"id": 1}]
    assert ok["headers"] == {"X-Rate": {"description": "left", "schema": {"type": "integer", "minimum": 0}}}
    assert responses["204"] == {"description": "none"}


def test_a_file_response_is_binary_and_a_referenced_response_a_component() -> None:
    result = convert_swagger2(
        op_doc(
            {
                "produces": ["application/pdf"],
                "responses": {
                    "200": {"description": "f", "schema": {"type": "file"}},
                    "404": {"$ref": "#/responses/Gone"},
                },
            },
            responses={"Gone": {"description": "gone", "schema": {"$ref": "#/definitions/E"}}},
            definitions={"E": {}},
        )
    )
    responses = result["paths"]["/things/{id}"]["post"]["responses"]
    assert responses["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
    }
    assert responses["404"] == {"$ref": "#/components/responses/Gone"}
    gone = result["components"]["responses"]["Gone"]
    assert gone["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/E"}


# Security ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ({"type": "basic", "description": "d"}, {"type": "http", "scheme": "basic", "description": "d"}),
        (
            {"type": "apiKey", "name": "X-Key", "in": "header"},
            {"type": "apiKey", "name": "X-Key", "in": "header"},
        ),
        (
            {
                "type": "oauth2",
                "flow": "implicit",
                "authorizationUrl": "https://a/auth",
                "scopes": {"r": "read"},
            },
            {
                "type": "oauth2",
                "flows": {"implicit": {"authorizationUrl": "https://a/auth", "scopes": {"r": "read"}}},
            },
        ),
        (
            {"type": "oauth2", "flow": "password", "tokenUrl": "https://a/token", "scopes": {}},
            {"type": "oauth2", "flows": {"password": {"tokenUrl": "https://a/token", "scopes": {}}}},
        ),
        (
            {"type": "oauth2", "flow": "application", "tokenUrl": "https://a/token"},
            {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://a/token", "scopes": {}}}},
        ),
        (
            {
                "type": "oauth2",
                "flow": "accessCode",
                "authorizationUrl": "https://a/a",
                "tokenUrl": "https://a/t",
                "scopes": {"w": "write"},
            },
            {
                "type": "oauth2",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "https://a/a",
                        "tokenUrl": "https://a/t",
                        "scopes": {"w": "write"},
                    }
                },
            },
        ),
    ],
)
def test_security_definitions_become_security_schemes(
    scheme: dict[str, Any], expected: dict[str, Any]
) -> None:
    result = convert_swagger2(doc(securityDefinitions={"auth": scheme}, security=[{"auth": []}]))
    assert result["components"]["securitySchemes"]["auth"] == expected
    assert result["security"] == [{"auth": []}]


def test_imported_security_schemes_and_requirements(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    source = op_doc(
        {"security": [{"my key": []}]},
        securityDefinitions={"my key": {"type": "apiKey", "name": "X-Key", "in": "header"}},
    )
    path.write_text(yaml.safe_dump(source))
    version = import_openapi_file(path).version
    assert version.security_schemes == {"my_key": {"type": "apiKey", "name": "X-Key", "in": "header"}}
    (operation,) = version.operations.values()
    assert operation.security == ({"my_key": ()},)


# Errors and pointers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "pointer", "message"),
    [
        (
            op_doc({"parameters": [{"name": "a", "in": "cookie", "type": "string"}]}),
            "/paths/~1things~1{id}/post/parameters/0/in",
            "'in' must be one of query, header, path, formData, body",
        ),
        (
            op_doc({"parameters": {"a": 1}}),
            "/paths/~1things~1{id}/post/parameters",
            "'parameters' must be a list",
        ),
        (
            op_doc({"parameters": [{"in": "query", "type": "string"}]}),
            "/paths/~1things~1{id}/post/parameters/0",
            "without a 'name'",
        ),
        (
            op_doc({"parameters": [{"$ref": "#/parameters/Nope"}]}),
            "/paths/~1things~1{id}/post/parameters/0/$ref",
            "dangling $ref",
        ),
        (
            op_doc(
                {"parameters": [{"name": "a", "in": "query", "type": "array", "collectionFormat": "csvx"}]}
            ),
            "/paths/~1things~1{id}/post/parameters/0/collectionFormat",
            "collectionFormat must be one of csv",
        ),
        (op_doc({"responses": [1]}), "/paths/~1things~1{id}/post/responses", "'responses' must be a mapping"),
        (
            op_doc({"responses": {"200": "ok"}}),
            "/paths/~1things~1{id}/post/responses/200",
            "a response must be a mapping",
        ),
        (op_doc({"consumes": [1]}), "/paths/~1things~1{id}/post/consumes", "list of media types"),
        (
            doc(securityDefinitions={"a": {"type": "saml"}}),
            "/securityDefinitions/a/type",
            "must be basic, apiKey or oauth2",
        ),
        (
            doc(securityDefinitions={"a": {"type": "oauth2", "flow": "device"}}),
            "/securityDefinitions/a/flow",
            "oauth2 flow must be one of implicit, password",
        ),
        (doc(definitions=["A"]), "/definitions", "'definitions' must be a mapping, not a list"),
        (doc(host=12), "/host", "'host' must be text"),
        ({"swagger": "2.0", "info": {}}, "/paths", "no 'paths' mapping"),
    ],
)
def test_malformed_parts_are_errors_naming_their_2_0_pointer(
    tmp_path: Path, source: dict[str, Any], pointer: str, message: str
) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(source))
    with pytest.raises(OpenAPIError) as info:
        load_document(path)
    assert (info.value.file, info.value.pointer) == (str(path), pointer)
    assert message in info.value.message


def test_other_swagger_versions_are_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text('swagger: "1.2"\npaths: {}\n')
    with pytest.raises(OpenAPIError, match=r"Swagger 1.2 is not supported; only 2.0"):
        load_document(path)


def test_import_findings_and_errors_point_into_the_2_0_document(tmp_path: Path) -> None:
    # The body parameter goes: the path parameter after it is the conversion's first, the 2.0's second.
    path = tmp_path / "api.yaml"
    post = {
        "parameters": [
            {"name": "b", "in": "body", "schema": {"type": "object"}},
            {"name": "x", "in": "path", "type": "string"},
            {"name": "id", "in": "path", "type": "string"},
        ],
        "responses": {
            "200": {
                "description": "ok",
                "schema": {"type": "object"},
                "examples": {"application/json": '{"a": 1,}'},
            },
            "201": {"description": "made", "schema": {"$ref": "#/definitions/Pet"}},
        },
    }
    source = doc(paths={"/things/{id}": {"post": post}}, definitions={"Pet": {"type": "object"}})
    path.write_text(yaml.safe_dump(source))
    result = import_openapi_file(path)
    where = {f.kind: f.pointer for f in result.problems}
    op = "/paths/~1things~1{id}/post"
    assert where[FindingKind.SWAGGER2_CONVERTED] == "/swagger"
    assert where[FindingKind.PATH_PARAM_NOT_IN_TEMPLATE] == f"{op}/parameters/1"
    assert where[FindingKind.EXAMPLE_TRAILING_COMMAS] == f"{op}/responses/200/examples/application~1json"
    assert {f.file for f in result.problems} == {str(path)}
    assert result.version.extra["openapi"]["swagger"] == "2.0"
    post["responses"]["201"]["schema"] = {
        "type": "object",
        "properties": {"p": {"$ref": "#/definitions/Gone"}},
    }
    path.write_text(yaml.safe_dump(source))
    with pytest.raises(OpenAPIError) as info:
        import_openapi_file(path)
    assert info.value.pointer == f"{op}/responses/201/schema/properties/p/$ref"
    assert "'#/components/schemas/Gone'" in info.value.message


def test_original_pointer_takes_the_longest_known_prefix() -> None:
    result = convert_swagger2(
        op_doc(
            {"parameters": [{"name": "a", "in": "query", "type": "integer"}, BODY]},
            definitions={"T": {}},
        )
    )
    post = "/paths/~1things~1{id}/post"
    assert original_pointer(result, "/components/schemas/T/properties/x") == "/definitions/T/properties/x"
    assert (
        original_pointer(result, f"{post}/requestBody/content/application~1json/schema")
        == f"{post}/parameters/1/schema"
    )
    assert original_pointer(result, f"{post}/parameters/0/schema/minimum") == f"{post}/parameters/0/minimum"
    assert original_pointer(result, "/info/title") == "/info/title"
    assert original_pointer({}, "/components/schemas/T") == "/components/schemas/T"
    assert SWAGGER2_KEY in result


# Never anything but OpenAPIError on junk ---------------------------------------------------------

_KEYS = st.sampled_from(
    [
        "paths",
        "definitions",
        "parameters",
        "responses",
        "securityDefinitions",
        "host",
        "basePath",
        "schemes",
        "consumes",
        "produces",
        "security",
        "get",
        "post",
        "in",
        "name",
        "type",
        "items",
        "schema",
        "$ref",
        "collectionFormat",
        "flow",
        "scopes",
        "headers",
        "examples",
        "required",
        "properties",
        "allOf",
        "x-nullable",
        "discriminator",
        "/p",
        "200",
        "body",
        "formData",
        "query",
    ]
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(
        [
            "#/definitions/A",
            "#/parameters/P",
            "body",
            "formData",
            "query",
            "file",
            "array",
            "csv",
            "multi",
            "oauth2",
            "accessCode",
            "basic",
            "x.yaml",
        ]
    ),
)
_JUNK = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _JUNK, max_size=8))
def test_converting_junk_raises_nothing_but_openapi_errors(parts: dict[str, Any]) -> None:
    source = {"swagger": "2.0", **parts}
    before = copy.deepcopy(source)
    try:
        result = convert_swagger2(source, file="junk.yaml")
    except OpenAPIError as exc:
        assert exc.file == "junk.yaml"
    else:
        assert result["openapi"] == "3.0.3" and isinstance(result["paths"], dict)
        # What it gives the importer is refused, if at all, with an error too.
        with contextlib.suppress(ApidriftError):
            import_document(result, api="junk", version="v", file="junk.yaml")
    assert source == before


# The swagger2openapi fixtures --------------------------------------------------------------------


def test_the_swagger2openapi_fixtures_import_as_their_expected_conversions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = load_tool(TOOL)
    report = tmp_path / "sweep.json"
    assert module.main([str(CORPUS), "--known", str(CORPUS / "known.toml"), "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "0 differs, 0 failed" in out
    verdicts = {o["fixture"]: o["verdict"] for o in yaml.safe_load(report.read_text())}
    assert verdicts["issue215"] == "explained" and verdicts["issue76"] == "empty"
    assert set(verdicts.values()) <= {"empty", "explained"}
    # Without the known differences the sweep fails on them: it compares, it does not just import.
    assert module.main([str(CORPUS)]) == 1


# Files a 2.0 document names ----------------------------------------------------------------------


def test_files_a_swagger_2_document_names_are_read_as_2_0(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        yaml.safe_dump(
            doc(
                paths={
                    "/pets": {
                        "get": {
                            "parameters": [{"$ref": "common.yaml#/parameters/Limit"}],
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "schema": {"$ref": "common.yaml#/definitions/Pet"},
                                }
                            },
                        }
                    },
                    "/pets/{id}": {"$ref": "paths/pet.yaml"},
                }
            )
        )
    )
    (tmp_path / "common.yaml").write_text(
        yaml.safe_dump(
            {
                "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer", "maximum": 50}},
                "definitions": {
                    "Pet": {
                        "type": "object",
                        "properties": {
                            "nick": {"type": "string", "x-nullable": True},
                            "owner": {"$ref": "#/definitions/Owner"},
                        },
                    },
                    "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
                },
            }
        )
    )
    (tmp_path / "paths").mkdir()
    (tmp_path / "paths" / "pet.yaml").write_text(
        yaml.safe_dump(
            {
                "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                "put": {
                    "consumes": ["application/json"],
                    "parameters": [
                        {"name": "pet", "in": "body", "schema": {"$ref": "../common.yaml#/definitions/Pet"}}
                    ],
                    "responses": {"200": {"description": "ok", "headers": {"X-Left": {"type": "integer"}}}},
                },
            }
        )
    )
    version = import_openapi_file(tmp_path / "api.yaml").version
    by_path = {op.path: op for op in version.operations.values()}
    (limit,) = by_path["/pets"].parameters
    assert (limit.name, limit.schema) == ("limit", {"type": "integer", "maximum": 50})
    put = by_path["/pets/{id}"]
    assert [p.name for p in put.parameters] == ["id"]
    assert put.request_body is not None and put.request_body.content_type == "application/json"
    assert put.responses["200"].headers["X-Left"].schema == {"type": "integer"}
    schemas = json.dumps(version.schemas)
    assert '"nick": {"type": ["string", "null"]}' in schemas  # x-nullable read in the other file too
    assert "Owner" in schemas


def test_a_file_of_openapi_3_named_by_a_2_0_document_is_left_as_it_is() -> None:
    from apidrift.openapi.swagger2 import convert_fragment

    three = {"openapi": "3.0.0", "components": {"schemas": {"A": {"x-nullable": True}}}}
    assert convert_fragment(three) is three
    assert convert_fragment({"type": "file"}) == {"type": "string", "format": "binary"}
    assert convert_fragment({"name": "q", "in": "query", "type": "string"})["schema"] == {"type": "string"}
    assert convert_fragment({"description": "d", "schema": {"$ref": "#/definitions/A"}}) == {
        "description": "d",
        "content": {"application/json": {"schema": {"$ref": "#/definitions/A"}}},  # that file's own ref
    }
