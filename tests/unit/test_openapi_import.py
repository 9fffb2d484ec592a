"""openapi.py: the notations and structures real specs use, each imported, loaded back and validated."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from apidrift.check.shapes import SchemaFlattener
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractVersion, load_version
from apidrift.diff.engine import diff_versions
from apidrift.errors import OpenAPIError
from apidrift.openapi.convert import ImportResult, SchemaConverter, import_document


def ref(name: str, section: str = "schemas") -> dict[str, str]:
    return {"$ref": f"#/components/{section}/{name}"}


def json_response(schema: Any, description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def spec(
    schemas: dict[str, Any],
    response: Any,
    *,
    openapi: str = "3.0.0",
    path: str = "/organization/things",
    extra: dict[str, Any] | None = None,
    components: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A one-operation document: GET `path` answering 200 with `response` (a schema)."""
    operation = {"operationId": "get-thing", "responses": {"200": json_response(response)}, **(extra or {})}
    return {
        "openapi": openapi,
        "info": {"title": "T", "version": "1"},
        "paths": {path: {"get": operation}},
        "components": {"schemas": schemas, **(components or {})},
    }


def imported(document: dict[str, Any], tmp_path: Path) -> ContractVersion:
    """Import, write, and load back: every reference the importer wrote must resolve."""
    result = import_document(document, api="t", version="v1", file="spec.yaml")
    result.version.write(tmp_path / "v1")
    return load_version(tmp_path / "v1")


def validator(
    version: ContractVersion, op_id: str = "get-thing", status: str = "200"
) -> Draft202012Validator:
    return Draft202012Validator(version.response_schema(op_id, status), registry=version.registry)


# --- nullable: 3.0 `nullable`, 3.0 files that already say `type: 'null'`, and 3.1 -------------


@pytest.mark.parametrize(
    ("schema", "accepted", "rejected"),
    [
        ({"type": "string", "nullable": True}, ["a", None], [1]),
        ({"type": "string", "enum": ["a", "b"], "nullable": True}, ["a", None], ["c", 1]),
        # Not valid 3.0 but seen in the wild: a type list with `nullable`; the enum must admit null too.
        ({"type": ["string", "integer"], "enum": ["a", 1], "nullable": True}, ["a", 1, None], ["b", 2]),
        ({"type": ["string", "null"], "nullable": True}, ["a", None], [1]),
        ({"enum": ["a"], "nullable": True}, ["a", None], ["b"]),
        ({"type": "string", "enum": ["x"], "x-stainless-const": True, "nullable": True}, ["x", None], ["y"]),
        ({"allOf": [ref("Named")], "nullable": True}, [{"name": "n"}, None], [{}, 1]),
        ({"oneOf": [ref("Named"), {"type": "integer"}], "nullable": True}, [{"name": "n"}, 3, None], ["s"]),
        ({"$ref": "#/components/schemas/Named", "nullable": True}, [{"name": "n"}, None], [{}, "s"]),
        # A 3.0.0 file that spells null the 3.1 way (the real 2025-04-29 file does, 20 times).
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, ["a", None], [1]),
        ({"type": "integer", "nullable": False}, [1], [None]),
    ],
)
def test_nullable_spellings_validate_as_meant(
    schema: dict[str, Any], accepted: list[Any], rejected: list[Any], tmp_path: Path
) -> None:
    named = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    version = imported(spec({"Named": named}, {"type": "object", "properties": {"v": schema}}), tmp_path)
    check = validator(version)
    assert [v for v in accepted if not check.is_valid({"v": v})] == []
    assert [v for v in rejected if check.is_valid({"v": v})] == []


def test_nullable_and_31_null_flatten_alike() -> None:
    """What the diff sees: 3.0 `nullable` and a 3.1 `null` member are the same field facts."""
    components = {"Named": {"type": "object", "properties": {"name": {"type": "string"}}}}
    pairs = [
        ({"type": "string", "nullable": True}, {"type": ["string", "null"]}),
        (
            {"type": "string", "enum": ["a"], "nullable": True},
            {"type": ["string", "null"], "enum": ["a", None]},
        ),
        (
            {"$ref": "#/components/schemas/Named", "nullable": True},
            {"anyOf": [ref("Named"), {"type": "null"}]},
        ),
        ({"type": "integer", "nullable": True}, {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    ]
    converter = SchemaConverter(components, prefix="#/$defs/")
    defs = {"Named": converter.convert(components["Named"])}
    flattener = SchemaFlattener(defs)
    for old, new in pairs:
        a = flattener.flatten(converter.convert({"type": "object", "properties": {"v": old}}))
        b = flattener.flatten(converter.convert({"type": "object", "properties": {"v": new}}))
        assert (a["v"].types, a["v"].enum, a["v"].refs) == (b["v"].types, b["v"].enum, b["v"].refs), old


# --- $ref to schemas, parameters, responses, request bodies ---------------------------------


def test_refs_to_every_component_section_resolve(tmp_path: Path) -> None:
    document = spec(
        {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}, "Patch": {"type": "object"}},
        {},
        path="/organization/things/{thing_id}",
        components={
            "parameters": {
                "ThingId": {"name": "thing_id", "in": "path", "required": True, "schema": ref("Id")},
                "Alias": ref("ThingId", "parameters"),  # a reference to a reference
            },
            "responses": {
                "ThingResponse": json_response(ref("Thing")),
                "Again": ref("ThingResponse", "responses"),
            },
            "requestBodies": {
                "PatchBody": {"required": True, "content": {"application/json": {"schema": ref("Patch")}}}
            },
        },
    )
    document["components"]["schemas"]["Id"] = {"type": "string", "pattern": "^t_"}
    operation = document["paths"]["/organization/things/{thing_id}"]["get"]
    operation["parameters"] = [ref("Alias", "parameters")]
    operation["responses"] = {"200": ref("Again", "responses")}
    operation["requestBody"] = ref("PatchBody", "requestBodies")
    version = imported(document, tmp_path)
    op = version.operations["get-thing"]
    assert [(p.name, p.location, p.required, p.schema) for p in op.parameters] == [
        ("thing_id", "path", True, {"$ref": "schemas.json#/$defs/Id"})
    ]
    assert op.responses["200"].schema == {"$ref": "schemas.json#/$defs/Thing"}
    assert op.request_body is not None and op.request_body.schema == {"$ref": "schemas.json#/$defs/Patch"}
    assert set(version.schemas) == {"Thing", "Patch", "Id"}
    assert validator(version).is_valid({"id": "x"}) and not validator(version).is_valid({"id": 1})


@pytest.mark.parametrize(
    ("edit", "message", "pointer"),
    [
        (
            lambda op, d: op.update(parameters=[ref("Nope", "parameters")]),
            "dangling $ref '#/components/parameters/Nope'",
            "/paths/~1organization~1things/get/parameters/0",
        ),
        (
            lambda op, d: op.update(responses={"200": ref("Nope", "responses")}),
            "dangling $ref '#/components/responses/Nope'",
            "/paths/~1organization~1things/get/responses/200",
        ),
        (
            lambda op, d: op.update(requestBody=ref("Nope", "requestBodies")),
            "dangling $ref '#/components/requestBodies/Nope'",
            "/paths/~1organization~1things/get/requestBody",
        ),
        (
            lambda op, d: op.update(responses={"200": json_response({"items": ref("Nope")})}),
            "dangling $ref '#/components/schemas/Nope'",
            "/paths/~1organization~1things/get/responses/200/content/application~1json/schema/items/$ref",
        ),
        (
            lambda op, d: d["components"]["schemas"]["Thing"]["properties"].update(o=ref("Nope")),
            "dangling $ref '#/components/schemas/Nope'",
            "/components/schemas/Thing/properties/o/$ref",
        ),
        (
            lambda op, d: op.update(responses={"200": json_response(ref("Thing/properties/id"))}),
            "unsupported $ref '#/components/schemas/Thing/properties/id': it points inside schema 'Thing'",
            "/paths/~1organization~1things/get/responses/200/content/application~1json/schema/$ref",
        ),
        (
            lambda op, d: op.update(responses={"200": json_response({"$ref": "other.yaml#/Thing"})}),
            "unsupported $ref 'other.yaml#/Thing'",
            "/paths/~1organization~1things/get/responses/200/content/application~1json/schema/$ref",
        ),
    ],
    ids=[
        "parameter",
        "response",
        "request-body",
        "schema-in-operation",
        "schema-in-schema",
        "inside",
        "external",
    ],
)
def test_bad_refs_name_the_ref_and_where_it_is(edit: Any, message: str, pointer: str) -> None:
    document = spec({"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}, ref("Thing"))
    edit(document["paths"]["/organization/things"]["get"], document)
    with pytest.raises(OpenAPIError) as info:
        import_document(document, api="t", version="v1", file="spec.yaml")
    assert info.value.message == message
    assert (info.value.file, info.value.pointer) == ("spec.yaml", pointer)


def test_refs_in_extensions_and_dropped_keywords_are_not_followed(tmp_path: Path) -> None:
    """`x-...` and `discriminator.mapping` may name anything; they neither import nor fail."""
    schemas = {
        "Thing": {
            "type": "object",
            "x-docs": {"$ref": "#/components/schemas/Nowhere"},
            "properties": {"id": {"type": "string"}},
        },
    }
    version = imported(spec(schemas, ref("Thing")), tmp_path)
    assert set(version.schemas) == {"Thing"}
    assert "x-docs" not in version.schemas["Thing"]


# --- combinators and discriminators ---------------------------------------------------------


def pets() -> dict[str, Any]:
    return {
        "Pet": {
            "oneOf": [ref("Cat"), ref("Dog")],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
            },
        },
        "Base": {
            "type": "object",
            "required": ["kind", "name"],
            "properties": {"kind": {"type": "string"}, "name": {"type": "string"}},
            "discriminator": {"propertyName": "kind"},
        },
        "Cat": {
            "allOf": [
                ref("Base"),
                {
                    "type": "object",
                    "required": ["lives"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["cat"], "x-stainless-const": True},
                        "lives": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
                    },
                },
            ]
        },
        "Dog": {
            "allOf": [
                ref("Base"),
                {
                    "type": "object",
                    "required": ["good"],
                    "properties": {"kind": {"type": "string", "enum": ["dog"]}, "good": {"type": "boolean"}},
                },
            ]
        },
        "Label": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer"}]},
    }


def test_all_of_one_of_any_of_and_discriminators(tmp_path: Path) -> None:
    response = {"type": "object", "properties": {"pet": ref("Pet"), "label": ref("Label")}}
    version = imported(spec(pets(), response), tmp_path)
    assert "discriminator" not in version.schemas["Pet"] and "discriminator" not in version.schemas["Base"]
    assert version.schemas["Cat"]["allOf"][1]["properties"]["kind"] == {"type": "string", "const": "cat"}
    check = validator(version)
    assert check.is_valid({"pet": {"kind": "cat", "name": "Tom", "lives": 9}, "label": "abc"})
    assert check.is_valid({"pet": {"kind": "dog", "name": "Rex", "good": True}, "label": 7})
    assert not check.is_valid({"pet": {"kind": "cat", "name": "Tom", "lives": 0}})  # exclusive minimum
    assert not check.is_valid({"pet": {"kind": "cat", "lives": 9}})  # Base (through allOf) requires name
    assert not check.is_valid({"pet": {"kind": "bird", "name": "Tweety", "lives": 1}})  # const cat
    assert not check.is_valid({"label": "abcd"})  # neither a short string nor an integer
    shapes = SchemaFlattener(version.schemas).flatten(version.operations["get-thing"].responses["200"].schema)
    assert {"pet.kind", "pet.name", "pet.lives", "pet.good", "label"} <= set(shapes)
    assert shapes["pet.kind"].enum == ("cat", "dog")
    assert shapes["label"].types == ("integer", "string")


def test_a_schema_reached_only_through_a_discriminator_mapping_is_imported(tmp_path: Path) -> None:
    # A body of Pet whose value maps to Bird is checked against Bird: the contract must hold it.
    schemas = pets()
    schemas["Bird"] = {"type": "object"}
    schemas["Fish"] = {"type": "object"}  # reached by nothing: still left out
    schemas["Pet"]["discriminator"]["mapping"]["bird"] = "#/components/schemas/Bird"
    names = imported(spec(schemas, ref("Pet")), tmp_path).schemas
    assert "Bird" in names and "Fish" not in names


def test_every_schema_extending_a_discriminated_base_at_any_depth_is_imported(tmp_path: Path) -> None:
    # A body of Pet may be any schema below it, however deep; a declared value enters the mapping of
    # the base holding the discriminator, not of the schema it extends.
    schemas = {
        "Pet": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}},
            "discriminator": {"propertyName": "kind"},
        },
        "Dog": {"x-ms-discriminator-value": "dog", "allOf": [ref("Pet"), {"properties": {"bark": {}}}]},
        "Puppy": {"x-ms-discriminator-value": "puppy", "allOf": [ref("Dog"), {"properties": {"age": {}}}]},
        "Toy": {"allOf": [ref("Puppy"), {"properties": {"squeaks": {}}}]},
        "Rock": {"type": "object"},  # reached by nothing: still left out
    }
    version = imported(spec(schemas, ref("Pet")), tmp_path)
    assert set(version.schemas) == {"Pet", "Dog", "Puppy", "Toy"}
    assert version.schemas["Pet"]["x-discriminator"] == {
        "propertyName": "kind",
        "mapping": {"dog": "Dog", "puppy": "Puppy"},
    }
    assert "x-discriminator" not in version.schemas["Dog"]


def test_an_allof_cycle_below_a_discriminated_base_is_refused_not_followed_forever() -> None:
    schemas = {
        "Pet": {"type": "object", "discriminator": {"propertyName": "kind"}},
        "A": {"allOf": [ref("Pet"), ref("B")]},
        "B": {"allOf": [ref("A")]},
    }
    with pytest.raises(OpenAPIError, match=r"refers to itself"):
        import_document(spec(schemas, ref("Pet")), api="t", version="v1", file="spec.yaml")


# --- recursion ------------------------------------------------------------------------------


def recursive_schemas() -> dict[str, Any]:
    return {
        "Node": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "children": {"type": "array", "items": ref("Node")},
                "parent": {"$ref": "#/components/schemas/Node", "nullable": True},
                "owner": ref("Person"),
            },
        },
        # Mutual recursion through allOf and oneOf.
        "Person": {"allOf": [{"type": "object", "properties": {"manager": ref("Manager")}}]},
        "Manager": {"oneOf": [ref("Person"), {"type": "string"}]},
    }


def test_recursive_schemas_import_validate_flatten_and_diff(tmp_path: Path) -> None:
    version = imported(spec(recursive_schemas(), ref("Node")), tmp_path)
    assert set(version.schemas) == {"Node", "Person", "Manager"}
    check = validator(version)
    tree = {
        "id": "a",
        "parent": None,
        "children": [{"id": "b", "children": [{"id": "c"}], "parent": {"id": "a"}}],
    }
    assert check.is_valid(tree)
    assert not check.is_valid({"id": "a", "children": [{"children": []}]})  # a nested node without id
    compiled = ResponseValidator(version)  # jsonschema-rs, as `import-openapi` checks examples
    assert compiled.validate("get-thing", 200, tree, strict=True).exact
    assert not compiled.is_valid("get-thing", 200, {"id": "a", "children": [{"children": []}]})
    shapes = SchemaFlattener(version.schemas).flatten(version.operations["get-thing"].responses["200"].schema)
    assert {"id", "children", "children[]", "parent", "owner", "owner.manager"} <= set(shapes)
    assert shapes["parent"].nullable
    assert diff_versions(version, version).changes == []
    edited = recursive_schemas()
    edited["Node"]["properties"]["label"] = {"type": "string"}
    changed = imported(spec(edited, ref("Node")), tmp_path / "edited")
    assert [(c.kind.value, c.path) for c in diff_versions(version, changed).changes] == [
        ("field-added", "label")
    ]


def test_a_ref_cycle_that_defines_nothing_is_an_error() -> None:
    document = spec({"A": ref("B"), "B": ref("C"), "C": ref("A")}, ref("A"))
    with pytest.raises(OpenAPIError, match=r"\$ref cycle A -> B -> C -> A") as info:
        import_document(document, api="t", version="v1", file="spec.yaml")
    assert info.value.pointer == "/components/schemas/A"


# --- 3.1 -----------------------------------------------------------------------------------


def test_31_keywords_pass_through(tmp_path: Path) -> None:
    schemas = {
        "Thing": {
            "type": "object",
            "properties": {
                "kind": {"const": "thing"},
                "size": {"type": ["integer", "null"], "exclusiveMinimum": 0, "examples": [3]},
                "tags": {"type": "array", "prefixItems": [{"type": "string"}], "items": False},
            },
        }
    }
    version = imported(spec(schemas, ref("Thing"), openapi="3.1.0"), tmp_path)
    assert version.schemas["Thing"]["properties"]["size"] == {
        "type": ["integer", "null"],
        "exclusiveMinimum": 0,
        "examples": [3],
    }
    check = validator(version)
    assert check.is_valid({"kind": "thing", "size": None, "tags": ["a"]})
    assert not check.is_valid({"size": 0})
    assert not check.is_valid({"tags": ["a", "b"]})  # items: false after the prefix


# --- malformed documents -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "message", "pointer"),
    [
        (
            lambda d: d["paths"]["/organization/things"]["get"].update(responses=[]),
            "malformed operation",
            "/get",
        ),
        (lambda d: d.update(components=[]), "'components' must be a mapping", "/components"),
        (lambda d: d["components"].update(schemas=[]), "'schemas' must be a mapping", "/components/schemas"),
        (
            lambda d: d["components"]["schemas"]["Thing"].update(properties=["id"]),
            "'properties' must be a mapping",
            "/components/schemas/Thing/properties",
        ),
        (
            lambda d: d["paths"]["/organization/things"]["get"].update(parameters=[{"name": "x"}]),
            "parameter without 'name' and 'in'",
            "/get/parameters/0",
        ),
    ],
    ids=["responses-list", "components-list", "schemas-list", "properties-list", "parameter-without-in"],
)
def test_malformed_documents_are_one_clear_error(edit: Any, message: str, pointer: str) -> None:
    document = spec({"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}, ref("Thing"))
    edit(document)
    with pytest.raises(OpenAPIError) as info:
        import_document(document, api="t", version="v1", file="spec.yaml")
    assert info.value.message.startswith(message)
    assert info.value.pointer.endswith(pointer)


def test_import_leaves_shared_nodes_alone() -> None:
    """YAML anchors make one list the `required` of several schemas; converting must not edit it."""
    required = ["id"]
    schemas = {
        "A": {
            "type": "object",
            "required": required,
            "properties": {"id": {"type": "string", "nullable": True}},
        },
        "B": {"type": "object", "required": required, "properties": {"id": {"type": "integer"}}},
    }
    document = spec(schemas, {"type": "object", "properties": {"a": ref("A"), "b": ref("B")}})
    before = copy.deepcopy(document)
    result: ImportResult = import_document(document, api="t", version="v1")
    assert document == before
    assert result.version.schemas["A"]["required"] == ["id"]


def test_a_bad_path_level_parameter_is_located_on_the_path_item() -> None:
    document = spec({"Thing": {"type": "object"}}, ref("Thing"))
    document["paths"]["/organization/things"]["parameters"] = [{"name": "x"}]
    with pytest.raises(OpenAPIError) as info:
        import_document(document, api="t", version="v1", file="spec.yaml")
    assert info.value.pointer == "/paths/~1organization~1things/parameters/0"


def test_x_extensible_enum_is_kept_for_the_diff_and_other_extensions_dropped(tmp_path: Path) -> None:
    schemas = {
        "Thing": {
            "type": "object",
            "properties": {"state": {"type": "string", "x-extensible-enum": ["on", "off"], "x-other": 1}},
        },
    }
    state = imported(spec(schemas, ref("Thing")), tmp_path).schemas["Thing"]["properties"]["state"]
    assert state == {"type": "string", "x-extensible-enum": ["on", "off"]}
