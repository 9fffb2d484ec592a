"""Responses checked as OpenAPI documents them, beyond plain JSON Schema: statuses documented as a
range or as `default`, discriminators, readOnly/writeOnly and required (`check/openapi_view.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidrift.check.checker import RecordingChecker
from apidrift.check.inheritance import with_extensions
from apidrift.check.linear import LinearValidator
from apidrift.check.openapi_view import OpenApiView, contract_path
from apidrift.check.recordings import LoadedRecording, Provenance, Recording, write_recordings
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractVersion
from apidrift.errors import UnknownOperationError
from apidrift.generate.strategies import from_schema
from apidrift.openapi.convert import import_document
from apidrift.traffic.requests import RequestValidator
from cli_support import run_cli


def _version(responses: dict[str, Any], schemas: dict[str, Any] | None = None, **op: Any) -> ContractVersion:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {"operationId": "x", "responses": responses, **op}}},
        "components": {"schemas": schemas or {}},
    }
    return import_document(document, api="t", version="v1").version


def _json(schema: Any, description: str = "d") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _check(version: ContractVersion, status: int, body: Any) -> bool:
    """A body checked as `apidrift check` checks a recording of it: valid or not."""
    checker = RecordingChecker({"v1": ResponseValidator(version)}, ("v1",), "v1")
    recording = Recording(
        operation="x", method="POST", path="/x", status=status, body=body, provenance=Provenance(source="t")
    )
    return checker.check(LoadedRecording("r.json", recording)).result.valid


# --- statuses ----------------------------------------------------------------------------------

RANGES = {
    "200": _json({"type": "object", "required": ["ok"]}),
    "2XX": _json({"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}),
    "4xx": _json({"type": "object", "required": ["error"]}),
    "default": _json({"type": "object", "required": ["code"], "properties": {"code": {"type": "integer"}}}),
}


@pytest.mark.parametrize(
    ("status", "body", "valid"),
    [
        (200, {"ok": 1}, True),  # the status itself first
        (200, {"id": 1}, False),
        (201, {"id": 1}, True),  # then its range
        (204, {"id": "x"}, False),
        (404, {"error": "e"}, True),  # a range in lower case, as some documents write it
        (500, {"code": 1}, True),  # then default
        (503, {"code": "x"}, False),
        (302, {}, False),
    ],
)
def test_a_status_is_checked_against_itself_else_its_range_else_default(
    status: int, body: Any, valid: bool
) -> None:
    assert _check(_version(RANGES), status, body) is valid


def test_a_status_nothing_covers_is_still_an_error_naming_what_is_documented() -> None:
    version = _version({"200": RANGES["200"], "4XX": RANGES["4xx"]})
    with pytest.raises(UnknownOperationError, match=r"documents no status 500 \(documented: 200, 4XX\)"):
        _check(version, 500, {})


def test_response_for_prefers_the_exact_status_and_reads_only_three_digit_codes() -> None:
    operation = _version(RANGES).operation("x")
    assert [operation.response_for(s).status for s in (200, "201", 404, 500)] == [
        "200",
        "2XX",
        "4xx",
        "default",
    ]
    assert operation.response_for("request") is None  # not a status: no range covers it
    assert _version({"200": RANGES["200"]}).operation("x").response_for(201) is None


# --- discriminators ----------------------------------------------------------------------------

PETS = {
    "Pet": {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}, "name": {"type": "string"}},
    },
    "Cat": {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"type": "object", "properties": {"huntingSkill": {"type": "string"}}},
        ]
    },
    "Dog": {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"type": "object", "required": ["packSize"], "properties": {"packSize": {"type": "integer"}}},
        ]
    },
}


def _pets(kind: str, discriminator: dict[str, Any]) -> ContractVersion:
    branches = [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]
    return _version({"200": _json({kind: branches, "discriminator": discriminator})}, PETS)


@pytest.mark.parametrize("kind", ["oneOf", "anyOf"])
@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"petType": "Dog", "packSize": "many"}, False),  # Cat fits it; the value names Dog
        ({"petType": "Dog", "huntingSkill": "x"}, False),  # the same: Dog requires packSize
        ({"petType": "Cat", "huntingSkill": "x"}, True),
        ({"petType": "Dog", "packSize": 3}, True),
        ({"petType": "Cow"}, False),  # no branch is named Cow
        ({"name": "no type"}, False),  # the property is required
    ],
)
def test_a_discriminator_without_mapping_picks_the_branch_its_value_names(
    kind: str, body: dict[str, Any], valid: bool
) -> None:
    assert _check(_pets(kind, {"propertyName": "petType"}), 200, body) is valid


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"petType": "c"}, True),  # the mapping's value for Cat
        ({"petType": "c", "huntingSkill": "x"}, True),  # both would fit a oneOf without the mapping
        ({"petType": "d", "packSize": "x"}, False),
        ({"petType": "d", "packSize": 2}, True),
        ({"petType": "Cat"}, True),  # a schema's own name still selects it
        ({"petType": "zzz"}, False),
    ],
)
def test_a_discriminator_mapping_picks_the_branch_its_value_maps_to(
    body: dict[str, Any], valid: bool
) -> None:
    mapping = {"c": "#/components/schemas/Cat", "d": "#/components/schemas/Dog"}
    assert _check(_pets("oneOf", {"propertyName": "petType", "mapping": mapping}), 200, body) is valid


def test_two_branches_a_body_fits_alike_are_told_apart_by_the_mapping() -> None:
    # Without the discriminator a oneOf refuses a body both branches admit; the mapping picks one.
    loose = {"A": {"type": "object", "properties": {"kind": {"type": "string"}}}}
    loose["B"] = loose["A"]
    mapping = {"a": "#/components/schemas/A", "b": "#/components/schemas/B"}
    branches = [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]
    plain = _version({"200": _json({"oneOf": branches})}, loose)
    picked = _version(
        {"200": _json({"oneOf": branches, "discriminator": {"propertyName": "kind", "mapping": mapping}})},
        loose,
    )
    assert _check(plain, 200, {"kind": "a"}) is False
    assert _check(picked, 200, {"kind": "a"}) is True
    assert _check(picked, 200, {"kind": "c"}) is False


def test_branches_that_pin_the_property_to_other_values_than_their_names_keep_them() -> None:
    # Real documents (OpenAI's usage results) name no mapping and pin the value with `const`.
    schemas = {
        "Images": {
            "type": "object",
            "required": ["object", "images"],
            "properties": {"object": {"const": "usage.images"}, "images": {"type": "integer"}},
        },
        "Audio": {
            "type": "object",
            "required": ["object", "seconds"],
            "properties": {
                "object": {"type": "string", "enum": ["usage.audio"]},
                "seconds": {"type": "number"},
            },
        },
    }
    branches = [{"$ref": "#/components/schemas/Images"}, {"$ref": "#/components/schemas/Audio"}]
    version = _version(
        {"200": _json({"oneOf": branches, "discriminator": {"propertyName": "object"}})}, schemas
    )
    assert _check(version, 200, {"object": "usage.images", "images": 3}) is True
    assert _check(version, 200, {"object": "usage.audio", "seconds": 1.5}) is True
    assert _check(version, 200, {"object": "usage.audio", "images": 3}) is False
    # Each branch requires and pins the value that selects it, so the union already chooses by it:
    # the closed check's view keeps it as written (rewritten, its closed schemas could not be closed:
    # strict mode walked every such body); the explaining view spells the choice out, with the pinned
    # values only, so a failed body costs one branch's errors. The same bodies get the same verdicts.
    union = version.operation("x").responses["200"].schema
    closable = OpenApiView(version.schemas, "writeOnly", closable=True).view(union)
    assert closable["oneOf"] == union["oneOf"] and "allOf" not in closable
    explaining = OpenApiView(version.schemas, "writeOnly").view(union)
    assert "oneOf" not in explaining
    assert explaining["allOf"][0]["properties"]["object"]["enum"] == ["usage.images", "usage.audio"]
    assert _check(version, 200, {"object": "Images", "images": 3}) is False  # a name pins nothing here
    assert _check(version, 200, {"object": "usage.video", "images": 3}) is False
    # A branch that does not require the value is rewritten: the discriminator must then decide.
    loose = {**schemas, "Audio": {**schemas["Audio"], "required": ["seconds"]}}
    discriminated = {"oneOf": branches, "discriminator": {"propertyName": "object"}}
    rewritten = _version({"200": _json(discriminated)}, loose)
    assert "allOf" in OpenApiView(rewritten.schemas, "writeOnly").view(union)


def test_the_contract_keeps_the_discriminator_as_written() -> None:
    # The view is the validator's: the diff and the contract files see the schemas as imported.
    version = _pets("oneOf", {"propertyName": "petType"})
    assert version.operation("x").responses["200"].schema == {
        "oneOf": [{"$ref": "schemas.json#/$defs/Cat"}, {"$ref": "schemas.json#/$defs/Dog"}],
        "x-discriminator": {"propertyName": "petType"},
    }


# --- readOnly / writeOnly ----------------------------------------------------------------------

USER = {
    "type": "object",
    "required": ["id", "name", "password"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string"},
        "password": {"type": "string", "writeOnly": True},
    },
}


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"id": 1, "name": "n"}, True),  # a writeOnly field is not required of a response
        ({"name": "n"}, False),  # a readOnly one is
        ({"id": 1}, False),
        ({"id": 1, "name": "n", "password": 5}, False),  # when it is there, its schema still holds
    ],
)
def test_required_writeonly_fields_bind_requests_only(body: dict[str, Any], valid: bool) -> None:
    user = {"$ref": "#/components/schemas/User"}
    assert _check(_version({"200": _json(user)}, {"User": USER}), 200, body) is valid


def test_writeonly_declared_in_an_allof_part_or_a_referenced_schema_is_not_required_either() -> None:
    schemas = {
        "Secret": {"type": "string", "writeOnly": True},
        "Base": {"type": "object", "properties": {"password": {"$ref": "#/components/schemas/Secret"}}},
    }
    schema = {"allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["password", "name"]}]}
    version = _version({"200": _json(schema)}, schemas)
    assert _check(version, 200, {"name": "n"}) is True
    assert _check(version, 200, {}) is False


def test_required_readonly_fields_bind_responses_only() -> None:
    version = _version(
        {"200": _json({"$ref": "#/components/schemas/User"})},
        {"User": USER},
        requestBody={"content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
    )
    requests = RequestValidator(version)
    assert requests.validate("x", "request", {"name": "n", "password": "p"}).valid
    assert not requests.validate("x", "request", {"id": 1, "name": "n"}).valid  # password is required


def test_the_view_leaves_schemas_without_openapi_keywords_alone() -> None:
    schemas = {"A": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}}
    view = OpenApiView(schemas, "writeOnly")
    assert view.named() == schemas
    cyclic = {"A": {"allOf": [{"$ref": "#/$defs/A"}], "required": ["a"]}}  # never followed forever
    assert OpenApiView(cyclic, "writeOnly").named() == cyclic


# --- formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "body", "valid"),
    [
        ({"type": "integer", "format": "int32"}, 2**31 - 1, True),
        ({"type": "integer", "format": "int32"}, 2**31, False),
        ({"type": "integer", "format": "int32"}, -(2**31) - 1, False),
        ({"type": "integer", "format": "int64"}, 2**63, False),
        ({"type": "integer", "format": "int64", "minimum": 5}, 4, False),  # its own bound still holds
        ({"type": "string", "format": "date"}, "2026-12-01", True),
        ({"type": "string", "format": "date"}, "2026-12-01T00:00:00Z", False),
        ({"type": "string", "format": "date"}, "2026-13-01", False),
        ({"type": "string", "format": "date-time"}, "2026-12-01T05:06:07.123+01:00", True),
        ({"type": "string", "format": "date-time"}, "2026-12-01", False),
        ({"type": "string", "format": "date-time"}, "2026-12-01 05:06:07", False),
        ({"type": "string", "format": "byte"}, "aGVsbG8=", True),
        ({"type": "string", "format": "byte"}, "not base64!", False),
        ({"type": "string", "format": "email"}, "not an address", True),  # not OpenAPI's: annotation
        ({"type": "integer", "format": "unixtime"}, 2**40, True),
        ({"type": ["string", "null"], "format": "date"}, None, True),
        ({"type": "number", "format": "float"}, 1e300, True),  # float/double: no bound asserted
    ],
)
def test_openapi_data_type_formats_hold(schema: dict[str, Any], body: Any, valid: bool) -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {"post": {"operationId": "x", "responses": {"200": _json({"properties": {"v": schema}})}}}
        },
    }
    version = import_document(document, api="t", version="v1").version
    assert _check(version, 200, {"v": body}) is valid
    # The simulator and the fuzzer judge with the Python validator: formats hold there alike.
    linear = LinearValidator(version.response_schema("x", 200), registry=version.registry)
    assert linear.is_valid({"v": body}) is valid


def test_a_format_in_a_named_schema_holds_and_the_contract_keeps_it_as_written() -> None:
    version = _version(
        {"200": _json({"$ref": "#/components/schemas/N"})}, {"N": {"type": "integer", "format": "int32"}}
    )
    assert _check(version, 200, 7) is True
    assert _check(version, 200, 2**32) is False
    assert version.schemas["N"] == {"type": "integer", "format": "int32"}


def test_a_branch_that_is_itself_a_union_keeps_the_values_its_members_pin() -> None:
    schemas = {
        "A": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"const": "a"}, "n": {"type": "integer"}},
        },
        "B": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "b"}}},
        "AorB": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
        "C": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "c"}}},
    }
    branches = [{"$ref": "#/components/schemas/AorB"}, {"$ref": "#/components/schemas/C"}]
    discriminated = {"oneOf": branches, "discriminator": {"propertyName": "kind"}}
    version = _version({"200": _json(discriminated)}, schemas)
    assert [_check(version, 200, {"kind": k}) for k in ("a", "b", "c", "d")] == [True, True, True, False]
    assert _check(version, 200, {"kind": "a", "n": "x"}) is False


def test_a_discriminated_body_is_explained_by_the_branch_its_value_selects() -> None:
    validator = ResponseValidator(_pets("oneOf", {"propertyName": "petType"}))
    wrong_field = validator.validate("x", 200, {"petType": "Dog", "packSize": "many"})
    assert [(v.field, v.keyword) for v in wrong_field.violations] == [("packSize", "type")]
    unknown = validator.validate("x", 200, {"petType": "Cow"})
    assert [(v.field, v.keyword, v.expected) for v in unknown.violations] == [
        ("petType", "enum", ["Cat", "Dog"])
    ]


def _inheritance(mapping: dict[str, str] | None = None, **extra: Any) -> ContractVersion:
    """`Pet` with a discriminator, extended (`allOf`) by `Cat` and `Dog`: the OpenAPI way to inherit."""
    discriminator: dict[str, Any] = {"propertyName": "petType", **({"mapping": mapping} if mapping else {})}
    pet = {**PETS["Pet"], "discriminator": discriminator}
    schemas = {**PETS, "Pet": pet, **extra}
    return _version({"200": _json({"$ref": "#/components/schemas/Pet"})}, schemas)


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"petType": "Dog", "packSize": 3}, True),
        ({"petType": "Dog", "packSize": "many"}, False),  # the value selects Dog, which Pet alone admits
        ({"petType": "Dog"}, False),  # Dog requires packSize
        ({"petType": "Cat", "huntingSkill": "x"}, True),
        ({"petType": "Cat", "huntingSkill": 1}, False),
        ({"petType": "Parrot", "packSize": "x"}, True),  # a value selecting nothing leaves Pet alone
        ({"name": "no type"}, False),  # Pet's own schema still holds
    ],
)
def test_a_discriminator_on_a_base_selects_the_schema_extending_it(body: dict[str, Any], valid: bool) -> None:
    version = _inheritance()
    # Cat and Dog are reached through the discriminator only: the import keeps them.
    assert {"Cat", "Dog"} <= set(version.schemas)
    assert _check(version, 200, body) is valid


def test_a_base_discriminators_mapping_selects_by_its_values() -> None:
    version = _inheritance({"d": "#/components/schemas/Dog"})
    assert _check(version, 200, {"petType": "d", "packSize": "x"}) is False
    assert _check(version, 200, {"petType": "d", "packSize": 1}) is True
    assert _check(version, 200, {"petType": "Cat", "huntingSkill": 2}) is False  # still by its name


def test_a_schema_extending_a_base_is_itself_checked_without_selecting_again() -> None:
    # A response of Dog refers to Pet through allOf: that Pet is the base as written, or Dog would
    # select Dog again, forever.
    version = _inheritance()
    dog = version.schemas["Dog"]
    doc = _version(
        {"200": _json({"$ref": "#/components/schemas/Dog"})},
        {**PETS, "Pet": {**PETS["Pet"], "discriminator": {"propertyName": "petType"}}},
    )
    assert dog == doc.schemas["Dog"]
    validator = ResponseValidator(doc)
    assert validator.validate("x", 200, {"petType": "Dog", "packSize": 1}, strict=True).exact
    assert not validator.validate("x", 200, {"petType": "Dog"}, strict=True).valid


def test_strict_mode_takes_the_selected_schemas_fields_as_documented() -> None:
    validator = ResponseValidator(_inheritance())
    exact = validator.validate("x", 200, {"petType": "Dog", "packSize": 3, "name": "rex"}, strict=True)
    assert exact.exact
    # Refused, the body takes the walk: it too knows Dog's fields, and Pet's error is named once
    # (Pet's constraints hold in Pet and in the Pet that Dog extends).
    drifted = validator.validate(
        "x", 200, {"petType": "Dog", "packSize": 3, "name": 1, "tail": 1}, strict=True
    )
    assert [u.field for u in drifted.undocumented] == ["tail"]
    assert [(v.field, v.schema_path) for v in drifted.violations] == [
        ("name", "/$defs/Pet/properties/name/type")
    ]
    invalid = validator.validate("x", 200, {"petType": "Dog", "packSize": "x"}, strict=True)
    assert [(v.field, v.schema_path) for v in invalid.violations] == [
        ("packSize", "/$defs/Dog/allOf/1/properties/packSize/type")
    ]


# `Puppy` extends `Dog`, which extends `Pet`: only Pet holds the discriminator.
PUPPY = {
    "allOf": [
        {"$ref": "#/components/schemas/Dog"},
        {"type": "object", "required": ["age"], "properties": {"age": {"type": "integer"}}},
    ]
}


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"petType": "Puppy", "packSize": 1, "age": 1}, True),
        ({"petType": "Puppy", "packSize": 1, "age": "young"}, False),  # Puppy's own field
        ({"petType": "Puppy", "packSize": 1}, False),  # Puppy requires age
        ({"petType": "Puppy", "age": 1}, False),  # and Dog, which it extends, packSize
        ({"petType": "Dog", "packSize": 1, "age": "young"}, True),  # Dog says nothing of age
    ],
)
def test_a_base_selects_a_schema_extending_it_at_any_depth(body: dict[str, Any], valid: bool) -> None:
    version = _inheritance(Puppy=PUPPY)
    assert "Puppy" in version.schemas  # reached only through Pet's discriminator, by way of Dog
    assert _check(version, 200, body) is valid


def test_a_schema_extending_a_base_selects_by_the_discriminator_it_inherits() -> None:
    pet = {**PETS["Pet"], "discriminator": {"propertyName": "petType"}}
    version = _version(
        {"200": _json({"$ref": "#/components/schemas/Dog"})}, {**PETS, "Pet": pet, "Puppy": PUPPY}
    )
    assert _check(version, 200, {"petType": "Puppy", "packSize": 1, "age": 1}) is True
    assert _check(version, 200, {"petType": "Puppy", "packSize": 1}) is False  # judged as Puppy
    assert _check(version, 200, {"petType": "Dog", "packSize": 1}) is True
    assert _check(version, 200, {"petType": "Dog"}) is False  # Dog itself still holds
    body = {"petType": "Puppy", "packSize": 1, "age": "x"}
    violations = ResponseValidator(version).validate("x", 200, body).violations
    assert [(v.field, v.schema_path) for v in violations] == [
        ("age", "/$defs/Puppy/allOf/1/properties/age/type")
    ]


def test_a_value_declared_deep_in_a_chain_selects_its_schema_from_every_level() -> None:
    # AutoRest's `x-ms-discriminator-value` on a grandchild enters the mapping of Pet, which holds
    # the discriminator, though Puppy names only Dog.
    dog = {**PETS["Dog"], "x-ms-discriminator-value": "dog"}
    puppy = {**PUPPY, "x-ms-discriminator-value": "puppy"}
    for documented in ("Pet", "Dog"):
        version = _version(
            {"200": _json({"$ref": f"#/components/schemas/{documented}"})},
            {
                **PETS,
                "Pet": {**PETS["Pet"], "discriminator": {"propertyName": "petType"}},
                "Dog": dog,
                "Puppy": puppy,
            },
        )
        assert _check(version, 200, {"petType": "puppy", "packSize": 1, "age": 1}) is True
        assert _check(version, 200, {"petType": "puppy", "packSize": 1, "age": "x"}) is False
        assert _check(version, 200, {"petType": "dog", "packSize": 1, "age": "x"}) is True


def test_an_allof_cycle_under_a_discriminator_ends() -> None:
    # The import refuses such a cycle; a contract written by hand may still hold one, and neither
    # the view nor the field walk may follow it forever.
    schemas: dict[str, Any] = {
        "A": {"allOf": [{"$ref": "#/$defs/B"}], "x-discriminator": {"propertyName": "t"}},
        "B": {"allOf": [{"$ref": "#/$defs/C"}]},
        "C": {"allOf": [{"$ref": "#/$defs/A"}], "properties": {"n": {"type": "integer"}}},
    }
    named = OpenApiView(schemas, "writeOnly").named()
    assert {"A", "B", "C"} <= set(named)
    members = with_extensions(schemas)["A"]["anyOf"]
    assert {m["$ref"] for m in members} == {"#/$defs/B", "#/$defs/C"}


def test_strict_mode_takes_the_fields_of_a_schema_selected_at_any_depth_as_documented() -> None:
    validator = ResponseValidator(_inheritance(Puppy=PUPPY))
    body = {"petType": "Puppy", "packSize": 3, "age": 1, "name": "rex"}
    assert validator.validate("x", 200, body, strict=True).exact
    drifted = validator.validate("x", 200, {**body, "tail": 1}, strict=True)
    assert [u.field for u in drifted.undocumented] == ["tail"]
    invalid = validator.validate("x", 200, {**body, "age": "x"}, strict=True)
    assert [(v.field, v.schema_path) for v in invalid.violations] == [
        ("age", "/$defs/Puppy/allOf/1/properties/age/type")
    ]


def test_errors_name_the_contracts_places_not_the_parts_the_view_adds() -> None:
    # The view adds `allOf` parts (the value that selects, each `if`/`then`, a format's pattern) that
    # the contract does not hold: an error located in one names what it stands for.
    born = {"born": {"type": "string", "format": "date"}}
    pet = {**PETS["Pet"], "properties": {**PETS["Pet"]["properties"], **born}}
    branches = [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]
    union = {"oneOf": branches, "discriminator": {"propertyName": "petType"}}
    validator = ResponseValidator(_version({"200": _json(union)}, {**PETS, "Pet": pet}))

    def located(body: Any) -> list[tuple[str, str]]:
        found = validator.validate("x", 200, body, strict=True).violations
        return [(v.schema_path, v.keyword) for v in found]

    assert located({"petType": "Cow"}) == [("/x-discriminator", "enum")]
    assert located({"packSize": 3}) == [("/x-discriminator", "required")]
    assert located({"petType": "Cat", "born": "01/02/2026"}) == [
        ("/$defs/Pet/properties/born/format", "pattern")
    ]


def test_a_path_through_parts_the_view_added_is_read_back_part_by_part() -> None:
    moved = {
        "/$defs/P/allOf/1/then": ("/$defs/P/oneOf/0", True),
        "/$defs/P/oneOf/0/properties/a/allOf/0": ("/$defs/P/oneOf/0/properties/a/format", False),
    }
    assert contract_path("/$defs/P/allOf/1/then/properties/a/allOf/0/pattern", moved) == (
        "/$defs/P/oneOf/0/properties/a/format"
    )
    assert contract_path("/$defs/P/allOf/1/then/required", moved) == "/$defs/P/oneOf/0/required"
    assert contract_path("/$defs/P/allOf/2/then/required", moved) == "/$defs/P/allOf/2/then/required"


# --- the command line ----------------------------------------------------------------------------

RANGED_DOC = """\
openapi: 3.0.3
info: {title: Ranged, version: 1.0.0}
paths:
  /items:
    get:
      operationId: listItems
      responses:
        '2XX':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: string, format: date}}}
        default:
          description: error
          content:
            application/json:
              schema: {type: object, required: [code], properties: {code: {type: integer}}}
"""


@pytest.mark.parametrize(
    ("status", "body", "exit_code"),
    [(201, {"id": "2026-12-01"}, 0), (201, {"id": "2026-12-01T00:00:00Z"}, 1), (503, {"code": 1}, 0)],
)
def test_check_judges_a_recording_by_the_range_or_default_that_documents_it(
    tmp_path: Path, status: int, body: Any, exit_code: int
) -> None:
    (tmp_path / "ranged.yaml").write_text(RANGED_DOC, encoding="utf-8")
    imported = run_cli("import-openapi", "ranged.yaml", "--contracts", "contracts", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    recording = Recording(operation="listItems", method="GET", path="/items", status=status, body=body)
    write_recordings(tmp_path / "mine", [("r.json", recording)])
    args = ("check", "--api", "ranged", "--contracts", "contracts", "--recordings", "mine", "--no-reports")
    checked = run_cli(*args, cwd=tmp_path)
    assert checked.returncode == exit_code, checked.stdout + checked.stderr
    assert "documents no status" not in checked.stdout + checked.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_values_hold_the_formats_validation_asserts(data: st.DataObject) -> None:
    # The simulator and the fuzzer generate from the contract and answer only what validates.
    schema = {
        "type": "object",
        "required": ["d", "t", "b", "i", "j"],
        "properties": {
            "d": {"type": "string", "format": "date"},
            "t": {"type": "string", "format": "date-time"},
            "b": {"type": "string", "format": "byte"},
            "i": {"type": "integer", "format": "int32", "minimum": -5},
            "j": {"type": "integer", "format": "int64"},
        },
    }
    version = _version({"200": _json(schema)})
    body = data.draw(from_schema(version.operation("x").responses["200"].schema, version.schemas))
    assert ResponseValidator(version).validate("x", 200, body).violations == ()


# A union whose branches each require and pin the value that selects them: the fast check keeps it
# as written (fewer steps for a valid body), the explanation spells out the choice.
_PINNED = {
    "A": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"const": "a"}, "n": {"type": "integer"}},
    },
    "B": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"const": "b"}, "m": {"type": "string"}},
    },
}
_PINNED_UNION = {
    "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
    "discriminator": {"propertyName": "kind"},
}


def test_a_union_that_already_chooses_is_explained_by_the_value_it_chooses_by() -> None:
    validator = ResponseValidator(_version({"200": _json(_PINNED_UNION)}, _PINNED))
    assert validator.is_valid("x", 200, {"kind": "c"}) is False
    assert [(v.field, v.keyword, v.expected) for v in validator.violations("x", 200, {"kind": "c"})] == [
        ("kind", "enum", ["a", "b"])
    ]
    wrong = validator.violations("x", 200, {"kind": "b", "m": 1})
    assert [(v.field, v.schema_path) for v in wrong] == [("m", "/$defs/B/properties/m/type")]


_BODIES = st.fixed_dictionaries(
    {"kind": st.sampled_from(["a", "b", "c"])},
    optional={
        "n": st.one_of(st.integers(), st.text(max_size=2)),
        "m": st.one_of(st.integers(), st.text(max_size=2)),
    },
)


@given(body=_BODIES)
@settings(max_examples=150, deadline=None)
def test_fast_check_and_explanation_agree_on_a_union_that_already_chooses(body: dict[str, Any]) -> None:
    validator = _PINNED_VALIDATOR
    valid = validator.is_valid("x", 200, body)
    assert valid == (validator.violations("x", 200, body) == ())
    assert valid == validator.validate("x", 200, body, strict=True).valid
    expected = (body["kind"] == "a" and isinstance(body.get("n", 0), int)) or (
        body["kind"] == "b" and isinstance(body.get("m", ""), str)
    )
    assert valid == expected


_PINNED_VALIDATOR = ResponseValidator(_version({"200": _json(_PINNED_UNION)}, _PINNED))
