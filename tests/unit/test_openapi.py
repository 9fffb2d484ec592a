"""openapi.py: OpenAPI 3.0/3.1 schema conversion to 2020-12, document import, and load errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from apidrift.contracts.model import load_version
from apidrift.errors import OpenAPIError
from apidrift.openapi.convert import ImportResult, SchemaConverter, import_document, load_document


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def convert(schema: Any, components: dict[str, Any] | None = None) -> Any:
    return SchemaConverter(components or {}).convert(schema)


OWNER = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}


# --- SchemaConverter -----------------------------------------------------------------------


def test_nullable_typed_schema_becomes_type_list() -> None:
    out = convert({"type": "integer", "nullable": True, "description": "d"})
    assert out == {"type": ["integer", "null"], "description": "d"}
    validator = Draft202012Validator(out)
    assert validator.is_valid(None) and validator.is_valid(3) and not validator.is_valid("3")


def test_nullable_false_changes_nothing() -> None:
    assert convert({"type": "string", "nullable": False}) == {"type": "string"}


def test_nullable_enum_admits_none() -> None:
    out = convert({"type": "string", "enum": ["a", "b"], "nullable": True})
    assert out == {"type": ["string", "null"], "enum": ["a", "b", None]}
    validator = Draft202012Validator(out)
    assert validator.is_valid(None) and validator.is_valid("a") and not validator.is_valid("c")


def test_nullable_ref_becomes_any_of_with_null() -> None:
    out = convert({"$ref": "#/components/schemas/Owner", "nullable": True}, {"Owner": OWNER})
    assert out == {"anyOf": [{"$ref": "schemas.json#/$defs/Owner"}, {"type": "null"}]}


def test_nullable_untyped_schema_becomes_any_of() -> None:
    out = convert({"allOf": [ref("Owner")], "nullable": True}, {"Owner": OWNER})
    assert out == {"anyOf": [{"allOf": [{"$ref": "schemas.json#/$defs/Owner"}]}, {"type": "null"}]}


def test_stainless_const_single_enum_becomes_const() -> None:
    out = convert({"type": "string", "enum": ["organization.project"], "x-stainless-const": True})
    assert out == {"type": "string", "const": "organization.project"}
    # Without the marker, or with several values, the enum stays.
    assert convert({"type": "string", "enum": ["x"]}) == {"type": "string", "enum": ["x"]}
    assert convert({"enum": ["x", "y"], "x-stainless-const": True}) == {"enum": ["x", "y"]}


def test_nullable_stainless_const_admits_null() -> None:
    out = convert({"type": "string", "enum": ["x"], "x-stainless-const": True, "nullable": True})
    validator = Draft202012Validator(out)
    assert validator.is_valid("x")
    assert validator.is_valid(None)


def test_example_becomes_examples() -> None:
    assert convert({"type": "string", "example": "sk-1"}) == {"type": "string", "examples": ["sk-1"]}
    # An explicit (3.1) `examples` wins and is kept as is.
    assert convert({"type": "string", "examples": ["a", "b"]}) == {"type": "string", "examples": ["a", "b"]}


def test_boolean_exclusive_minimum_becomes_numeric() -> None:
    out = convert({"type": "number", "minimum": 0, "exclusiveMinimum": True})
    assert out == {"type": "number", "exclusiveMinimum": 0}
    validator = Draft202012Validator(out)
    assert not validator.is_valid(0) and validator.is_valid(0.5)


def test_boolean_exclusive_maximum_false_keeps_inclusive_bound() -> None:
    out = convert({"type": "integer", "maximum": 10, "exclusiveMaximum": False})
    assert out == {"type": "integer", "maximum": 10}
    assert Draft202012Validator(out).is_valid(10)


def test_numeric_exclusive_bound_passes_through() -> None:
    assert convert({"type": "number", "exclusiveMaximum": 1}) == {"type": "number", "exclusiveMaximum": 1}


def test_extensions_and_generator_keys_dropped_recursively() -> None:
    schema = {
        "type": "object",
        "x-oaiMeta": {"name": "thing"},
        "discriminator": {"propertyName": "type"},
        "xml": {"name": "t"},
        "externalDocs": {"url": "https://example.invalid"},
        "properties": {
            "type": {"type": "string", "x-stainless-naming": "kind"},
            # A property *named* like a dropped key is data, not a keyword: it must survive.
            "example": {"type": "string"},
        },
        "items": {"type": "string", "x-foo": 1},
    }
    out = convert(schema)
    assert out == {
        "type": "object",
        # The discriminator is kept, as an extension validators ignore, for the diff to compare.
        "x-discriminator": {"propertyName": "type"},
        # The XML Object is kept (name, namespace, prefix, attribute, wrapped) for the diff of XML bodies.
        "xml": {"name": "t"},
        "properties": {"type": {"type": "string"}, "example": {"type": "string"}},
        "items": {"type": "string"},
    }


def test_refs_are_renamed_and_prefixed() -> None:
    components = {"Owner": OWNER}
    schema = {"type": "array", "items": ref("Owner")}
    renamed = SchemaConverter(components, rename=lambda n: f"Legacy{n}").convert(schema)
    assert renamed == {"type": "array", "items": {"$ref": "schemas.json#/$defs/LegacyOwner"}}
    local = SchemaConverter(components, prefix="#/$defs/").convert(schema)
    assert local["items"] == {"$ref": "#/$defs/Owner"}


def test_dangling_and_unsupported_refs_raise() -> None:
    converter = SchemaConverter({"Owner": OWNER}, file="spec.yaml")
    with pytest.raises(OpenAPIError) as info:
        converter.convert({"properties": {"o": ref("Nope")}}, "/components/schemas/X")
    assert "dangling $ref '#/components/schemas/Nope'" in str(info.value)
    assert info.value.pointer == "/components/schemas/X/properties/o/$ref"
    assert str(info.value).startswith("spec.yaml#")
    with pytest.raises(OpenAPIError, match="unsupported \\$ref '#/definitions/Owner'"):
        converter.convert({"$ref": "#/definitions/Owner"})


def test_combinators_preserved() -> None:
    schema = {"oneOf": [ref("Owner"), {"type": "string"}], "allOf": [{"type": "object"}]}
    out = convert(schema, {"Owner": OWNER})
    assert out == {
        "oneOf": [{"$ref": "schemas.json#/$defs/Owner"}, {"type": "string"}],
        "allOf": [{"type": "object"}],
    }


# --- import_document -----------------------------------------------------------------------


def demo_document() -> dict[str, Any]:
    json_body = {"application/json": {"schema": ref("Widget")}}
    return {
        "openapi": "3.0.0",
        "info": {"title": "Demo API"},
        "paths": {
            "/organization/widgets/{widget_id}": {
                "parameters": [{"$ref": "#/components/parameters/WidgetId"}],
                "get": {
                    "operationId": "get-widget",
                    "summary": "  Get a widget  ",
                    "parameters": [{"name": "expand", "in": "query", "schema": {"type": "boolean"}}],
                    "responses": {
                        "200": {"$ref": "#/components/responses/WidgetResponse"},
                        "404": {"description": "Not found"},
                    },
                    "x-oaiMeta": {
                        "examples": {"request": "curl ...", "response": '{"id": "w1", "owner": null,}'}
                    },
                },
                "post": {
                    "operationId": "update-widget",
                    "requestBody": {"$ref": "#/components/requestBodies/WidgetBody"},
                    "responses": {"200": {"description": "ok", "content": json_body}},
                    "x-oaiMeta": {
                        "examples": [{"response": "   "}, {"response": '{"id": "w2", "owner": null}'}]
                    },
                },
            },
            "/organization/trees/{tree_id}": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "a tree",
                            "content": {"application/json": {"schema": ref("TreeNode")}},
                        }
                    },
                },
            },
            "/chat/completions": {
                "post": {
                    "operationId": "chat",
                    "responses": {
                        "200": {
                            "description": "c",
                            "content": {"application/json": {"schema": ref("ChatOnly")}},
                        }
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "Widget": {
                    "type": "object",
                    "required": ["id", "owner"],
                    "properties": {
                        "id": {"type": "string"},
                        "owner": {"$ref": "#/components/schemas/Owner", "nullable": True},
                        "shape": {
                            "oneOf": [ref("Circle"), ref("Square")],
                            "discriminator": {"propertyName": "k"},
                        },
                    },
                },
                "Owner": {
                    "allOf": [ref("Named"), {"type": "object", "properties": {"email": {"type": "string"}}}]
                },
                "Named": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                "Circle": {"type": "object", "properties": {"r": {"type": "number"}}},
                "Square": {"type": "object", "properties": {"side": {"type": "number"}}},
                "WidgetUpdate": {"type": "object", "properties": {"owner": ref("Owner")}},
                "TreeNode": {
                    "type": "object",
                    "properties": {"children": {"type": "array", "items": ref("TreeNode")}},
                },
                "ChatOnly": {"type": "object"},
                "Unused": {"type": "string"},
            },
            "parameters": {
                "WidgetId": {
                    "name": "widget_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                },
            },
            "requestBodies": {
                "WidgetBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("WidgetUpdate")}},
                },
            },
            "responses": {
                "WidgetResponse": {
                    "description": " The widget. ",
                    "content": {"application/json": {"schema": ref("Widget")}},
                },
            },
        },
    }


@pytest.fixture
def imported() -> ImportResult:
    return import_document(
        demo_document(), api="demo", version="v1", scope=("/organization",), source="demo-spec"
    )


def test_import_takes_the_whole_document_by_default() -> None:
    result = import_document(demo_document(), api="demo", version="v1")
    assert set(result.version.operations) == {
        "get-widget",
        "update-widget",
        "get-organization-trees-tree_id",
        "chat",
    }
    assert "ChatOnly" in result.version.schemas


def test_import_scope_and_operation_ids(imported: ImportResult) -> None:
    ops = imported.version.operations
    assert set(ops) == {"get-widget", "update-widget", "get-organization-trees-tree_id"}
    assert ops["get-widget"].method == "GET"
    assert ops["get-widget"].summary == "Get a widget"
    assert ops["get-widget"].sources == ("demo-spec get-widget",)
    assert imported.version.description == "Demo API"
    assert imported.version.sources == ("demo-spec",)


def test_import_keeps_only_reachable_schemas(imported: ImportResult) -> None:
    # Transitively: Widget -> Owner -> Named, Widget -> Circle/Square; WidgetUpdate via the request
    # body; TreeNode refers to itself. ChatOnly is only reached out of scope, Unused never.
    assert set(imported.version.schemas) == {
        "Widget",
        "Owner",
        "Named",
        "Circle",
        "Square",
        "WidgetUpdate",
        "TreeNode",
    }


def test_import_other_scope_reaches_other_schemas() -> None:
    result = import_document(demo_document(), api="demo", version="v1", scope=("/chat",))
    assert set(result.version.operations) == {"chat"}
    assert set(result.version.schemas) == {"ChatOnly"}


def test_import_select_filters_operations() -> None:
    result = import_document(demo_document(), api="demo", version="v1", select=lambda i, m, p: m == "POST")
    assert set(result.version.operations) == {"update-widget", "chat"}
    assert "TreeNode" not in result.version.schemas


def test_import_ref_prefixes_differ_for_schemas_and_operations(imported: ImportResult) -> None:
    schemas = imported.version.schemas
    assert schemas["Widget"]["properties"]["owner"] == {
        "anyOf": [{"$ref": "#/$defs/Owner"}, {"type": "null"}]
    }
    assert schemas["TreeNode"]["properties"]["children"]["items"] == {"$ref": "#/$defs/TreeNode"}
    response = imported.version.operations["get-widget"].responses["200"]
    assert response.schema == {"$ref": "schemas.json#/$defs/Widget"}


def test_import_preserves_combinators_and_keeps_the_discriminator_aside(imported: ImportResult) -> None:
    schemas = imported.version.schemas
    assert schemas["Owner"]["allOf"][0] == {"$ref": "#/$defs/Named"}
    assert len(schemas["Owner"]["allOf"]) == 2
    shape = schemas["Widget"]["properties"]["shape"]
    # As an extension, which validators ignore and the diff compares.
    assert shape == {
        "oneOf": [{"$ref": "#/$defs/Circle"}, {"$ref": "#/$defs/Square"}],
        "x-discriminator": {"propertyName": "k"},
    }


def test_import_resolves_parameter_body_and_response_refs(imported: ImportResult) -> None:
    get = imported.version.operations["get-widget"]
    params = {(p.location, p.name): p for p in get.parameters}
    assert set(params) == {("path", "widget_id"), ("query", "expand")}
    assert params[("path", "widget_id")].required
    assert params[("path", "widget_id")].schema == {"type": "string"}
    assert not params[("query", "expand")].required
    assert get.responses["200"].description == "The widget."
    assert get.responses["404"].schema is None
    body = imported.version.operations["update-widget"].request_body
    assert body is not None
    assert body.required and body.content_type == "application/json"
    assert body.schema == {"$ref": "schemas.json#/$defs/WidgetUpdate"}


def test_undeclared_path_parameter_is_a_problem_not_an_exception(imported: ImportResult) -> None:
    op = imported.version.operations["get-organization-trees-tree_id"]
    assert [(p.name, p.location, p.required, p.schema) for p in op.path_params] == [
        ("tree_id", "path", True, {"type": "string"})
    ]
    problems = [p.describe() for p in imported.problems if "tree_id" in p.message]
    assert problems == [
        "get-organization-trees-tree_id: path parameter {tree_id} of GET /organization/trees/{tree_id} "
        "is not declared"
    ]


def test_examples_salvaged_and_empty_reported(imported: ImportResult) -> None:
    bodies = {(e.operation_id, json.dumps(e.body, sort_keys=True)) for e in imported.examples}
    assert bodies == {
        ("get-widget", '{"id": "w1", "owner": null}'),  # trailing comma salvaged
        ("update-widget", '{"id": "w2", "owner": null}'),
    }
    assert all(e.status == "200" for e in imported.examples)
    described = [p.describe() for p in imported.problems]
    assert "get-widget: documented example response has trailing commas (not strict JSON)" in described
    assert "update-widget: documented example response is empty" in described


def test_broken_example_reported_and_skipped() -> None:
    document = demo_document()
    document["paths"]["/organization/widgets/{widget_id}"]["get"]["x-oaiMeta"] = {
        "examples": {"response": "{not json"}
    }
    result = import_document(document, api="demo", version="v1")
    assert not [e for e in result.examples if e.operation_id == "get-widget"]
    (finding,) = [p for p in result.problems if p.kind == "example-not-json"]
    assert finding.describe().startswith("get-widget: documented example response is not JSON")
    assert finding.pointer == "/paths/~1organization~1widgets~1{widget_id}/get/x-oaiMeta/examples/response"


def test_imported_contract_is_loadable_and_validates(imported: ImportResult, tmp_path: Path) -> None:
    """The importer's refs are exactly what the contract loader checks; examples validate."""
    imported.version.write(tmp_path / "v1")
    version = load_version(tmp_path / "v1")
    assert version.operations == imported.version.operations
    validator = Draft202012Validator(version.response_schema("get-widget", 200), registry=version.registry)
    for example in imported.examples:
        assert validator.is_valid(example.body)
    assert validator.is_valid({"id": "w", "owner": {"name": "Ada", "email": "a@x"}})
    assert not validator.is_valid({"id": "w", "owner": {"email": "a@x"}})  # allOf part Named requires name
    assert not validator.is_valid({"id": "w"})  # owner required (nullable, not optional)


def test_import_rename_applies_everywhere(tmp_path: Path) -> None:
    result = import_document(
        demo_document(), api="demo", version="v1", scope=("/organization",), rename=lambda n: f"Demo{n}"
    )
    schemas = result.version.schemas
    assert set(schemas) == {
        f"Demo{n}" for n in ("Widget", "Owner", "Named", "Circle", "Square", "WidgetUpdate", "TreeNode")
    }
    assert schemas["DemoOwner"]["allOf"][0] == {"$ref": "#/$defs/DemoNamed"}
    assert result.version.operations["get-widget"].responses["200"].schema == {
        "$ref": "schemas.json#/$defs/DemoWidget"
    }
    result.version.write(tmp_path / "v1")
    load_version(tmp_path / "v1")  # every renamed ref resolves


def test_import_dangling_schema_ref_names_it() -> None:
    document = demo_document()
    document["components"]["schemas"]["Named"]["properties"]["team"] = ref("Nope")
    with pytest.raises(OpenAPIError, match="dangling \\$ref '#/components/schemas/Nope'"):
        import_document(document, api="demo", version="v1", file="demo.yaml")


def test_import_dangling_parameter_ref() -> None:
    document = demo_document()
    document["paths"]["/organization/widgets/{widget_id}"]["parameters"] = [
        {"$ref": "#/components/parameters/Nope"}
    ]
    with pytest.raises(OpenAPIError, match="dangling \\$ref '#/components/parameters/Nope'"):
        import_document(document, api="demo", version="v1")


def test_import_does_not_mutate_document() -> None:
    document = demo_document()
    before = copy.deepcopy(document)
    import_document(document, api="demo", version="v1")
    assert document == before


# --- load_document -------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_document_yaml_and_json(tmp_path: Path) -> None:
    yaml_doc = load_document(write(tmp_path, "openapi: 3.1.0\npaths: {}\n"))
    assert yaml_doc == {"openapi": "3.1.0", "paths": {}}
    json_doc = load_document(write(tmp_path, json.dumps(demo_document()), "spec.json"))
    assert json_doc == demo_document()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{ unbalanced: [", "neither YAML nor JSON at line"),
        ("- a\n- b\n", "not an OpenAPI document: the top level is not a mapping"),
        ('swagger: "1.2"\npaths: {}\n', "Swagger 1.2 is not supported; only 2.0 (converted) and OpenAPI 3.x"),
        ("info: {title: x}\npaths: {}\n", "not an OpenAPI 3.x document: no 'openapi: 3.x' field"),
        ("openapi: 2.5\npaths: {}\n", "not an OpenAPI 3.x document"),
        ("openapi: 3.0.3\n", "no 'paths' mapping"),
    ],
)
def test_load_document_errors(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(OpenAPIError) as info:
        load_document(path)
    assert message in str(info.value)
    assert info.value.file == str(path)


def test_load_document_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OpenAPIError, match="cannot read"):
        load_document(tmp_path / "absent.yaml")


# --- the real OpenAI documents in ../shared ------------------------------------------------


ADMIN = ("/organization", "/projects")


@pytest.fixture(scope="module")
def real_imports(shared: Path) -> dict[str, ImportResult]:
    out = {}
    for label in ("2025-04-29", "2026-05-13"):
        path = shared / "openapi" / f"openai-openapi-{label}.yaml"
        out[label] = import_document(
            load_document(path), api="openai-admin", version=label, scope=ADMIN, file=str(path)
        )
    return out


@pytest.mark.parametrize(("label", "count"), [("2025-04-29", 51), ("2026-05-13", 81)])
def test_real_documents_import(
    real_imports: dict[str, ImportResult], label: str, count: int, tmp_path: Path
) -> None:
    result = real_imports[label]
    assert len(result.version.operations) == count
    assert all(
        op.path.startswith(("/organization", "/projects")) for op in result.version.operations.values()
    )
    assert result.examples, "the real documents carry x-oaiMeta examples"
    result.version.write(tmp_path / label)
    assert len(load_version(tmp_path / label).operations) == count  # all refs resolve


def test_real_documents_show_known_renames(real_imports: dict[str, ImportResult]) -> None:
    def path_params(label: str) -> set[str]:
        ops = real_imports[label].version.operations.values()
        return {p.name for op in ops for p in op.path_params}

    assert "key_id" in path_params("2025-04-29") and "api_key_id" not in path_params("2025-04-29")
    assert "api_key_id" in path_params("2026-05-13")
    old_bucket = real_imports["2025-04-29"].version.schemas["UsageTimeBucket"]["properties"]
    new_bucket = real_imports["2026-05-13"].version.schemas["UsageTimeBucket"]["properties"]
    assert "result" in old_bucket and "results" not in old_bucket
    assert "results" in new_bucket and "result" not in new_bucket


@pytest.mark.parametrize(
    ("schema", "prop", "instances"),
    [
        ("CostsResult", "line_item", ["Image models", None, 3, True, {}, []]),
        ("CostsResult", "project_id", ["proj_abc", None, 1.5, ["x"]]),
        ("Project", "archived_at", [1711471533, None, "1711471533", 1.5, False]),
        ("AdminApiKey", "last_used_at", [1711471534, None, "never", {}]),
    ],
)
def test_nullable_notation_3_0_and_3_1_agree(
    real_imports: dict[str, ImportResult], schema: str, prop: str, instances: list[Any]
) -> None:
    """3.0 `nullable: true` (old file) and 3.1 `anyOf [.., {type: null}]` (new file) convert to
    schemas that accept and reject the same values."""
    old = real_imports["2025-04-29"].version.schemas[schema]["properties"][prop]
    new = real_imports["2026-05-13"].version.schemas[schema]["properties"][prop]
    assert isinstance(old["type"], list) and "null" in old["type"]  # the 3.0 form was converted
    assert {"type": "null"} in new["anyOf"]  # the 3.1 form is kept
    old_validator, new_validator = Draft202012Validator(old), Draft202012Validator(new)
    verdicts = [(value, old_validator.is_valid(value), new_validator.is_valid(value)) for value in instances]
    assert all(o == n for _, o, n in verdicts), verdicts
    assert any(o for _, o, _ in verdicts) and not all(o for _, o, _ in verdicts)
    assert old_validator.is_valid(None)


# --- keywords beside a $ref: applied in 3.1 (JSON Schema 2020-12), ignored in 3.0 ------------------


def _ref_sibling_document(oas: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": oas,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "operationId": "get-x",
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": schema}}}
                    },
                }
            }
        },
        "components": {"schemas": {"S": {"type": "string"}}},
    }


def test_a_31_keyword_beside_a_ref_constrains_the_value_too() -> None:
    from apidrift.check.validation import ResponseValidator

    schema = {"$ref": "#/components/schemas/S", "maxLength": 2, "description": "short"}
    version = import_document(_ref_sibling_document("3.1.0", schema), api="t", version="v1").version
    assert version.operations["get-x"].responses["200"].schema == {
        "allOf": [{"$ref": "schemas.json#/$defs/S"}],
        "maxLength": 2,
        "description": "short",
    }
    validator = ResponseValidator(version)
    assert validator.is_valid("get-x", 200, "ab")
    assert not validator.is_valid("get-x", 200, "abc")  # was accepted: the sibling was dropped
    assert not validator.is_valid("get-x", 200, 42)


def test_a_30_keyword_beside_a_ref_is_ignored_as_that_specification_says() -> None:
    schema = {"$ref": "#/components/schemas/S", "maxLength": 2}
    version = import_document(_ref_sibling_document("3.0.3", schema), api="t", version="v1").version
    assert version.operations["get-x"].responses["200"].schema == {"$ref": "schemas.json#/$defs/S"}


def test_annotations_beside_a_31_ref_leave_it_a_plain_reference() -> None:
    schema = {"$ref": "#/components/schemas/S", "description": "d", "readOnly": True, "x-note": 1}
    version = import_document(_ref_sibling_document("3.1.0", schema), api="t", version="v1").version
    assert version.operations["get-x"].responses["200"].schema == {"$ref": "schemas.json#/$defs/S"}


def test_a_31_sibling_in_a_named_schema_is_kept_too() -> None:
    document = _ref_sibling_document("3.1.0", {"$ref": "#/components/schemas/T"})
    document["components"]["schemas"]["T"] = {
        "type": "object",
        "properties": {"s": {"$ref": "#/components/schemas/S", "enum": ["a", "b"]}},
    }
    version = import_document(document, api="t", version="v1").version
    assert version.schemas["T"]["properties"]["s"] == {"allOf": [{"$ref": "#/$defs/S"}], "enum": ["a", "b"]}


def test_a_31_sibling_the_target_already_holds_leaves_a_plain_reference() -> None:
    # OpenAI's 3.1 document writes `type: object` beside a `$ref` to an object: nothing more to check,
    # and a discriminated union keeps naming that branch by its reference.
    document = _ref_sibling_document("3.1.0", {"$ref": "#/components/schemas/T", "type": "object"})
    document["components"]["schemas"]["T"] = {"type": "object", "properties": {"s": {"type": "string"}}}
    version = import_document(document, api="t", version="v1").version
    assert version.operations["get-x"].responses["200"].schema == {"$ref": "schemas.json#/$defs/T"}
    other = _ref_sibling_document("3.1.0", {"$ref": "#/components/schemas/S", "type": "integer"})
    schema = import_document(other, api="t", version="v1").version.operations["get-x"].responses["200"].schema
    assert schema == {"allOf": [{"$ref": "schemas.json#/$defs/S"}], "type": "integer"}  # admits nothing
