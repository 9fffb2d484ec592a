"""check/closed.py: closed schemas refuse exactly the bodies whose strict check would find
undocumented fields, so the strict fast path never hides drift."""

from __future__ import annotations

import random
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidrift.check.closed import OPEN, close, close_response
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore
from apidrift.generate.strategies import from_schema


def test_objects_that_declare_fields_are_closed_at_every_level() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {}}}}}
    closed = close(schema)
    # Nothing beside `properties` evaluates a key: `additionalProperties` refuses the same keys.
    assert closed["additionalProperties"] is False
    assert closed["properties"]["a"]["additionalProperties"] is False
    assert "unevaluatedProperties" not in closed


@pytest.mark.parametrize("applicator", ["anyOf", "oneOf", "allOf"])
def test_an_object_whose_keys_a_subschema_may_evaluate_is_closed_by_unevaluated_properties(
    applicator: str,
) -> None:
    schema = {
        "properties": {"a": {}},
        applicator: [{"properties": {"a": {}, "b": {}}}],
        "additionalProperties": True,
    }
    closed = close(schema)
    assert closed["unevaluatedProperties"] is False
    assert "additionalProperties" not in closed
    # The two keywords differ exactly here: `b` is evaluated by the member, which only the first sees.
    validator = jsonschema_rs.validator_for(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", **closed}
    )
    assert validator.is_valid({"a": 1, "b": 2})
    assert not validator.is_valid({"a": 1, "c": 2})
    by_additional = {**closed, "additionalProperties": False}
    del by_additional["unevaluatedProperties"]
    assert not jsonschema_rs.validator_for(by_additional).is_valid({"a": 1, "b": 2})


def test_free_form_maps_stay_open_and_extra_keys_admitted_by_additional_properties_do_not() -> None:
    assert close({"type": "object"}) == {"type": "object"}
    closed = close({"properties": {"a": {}}, "additionalProperties": {"type": "string"}})
    assert closed == {"properties": {"a": {}}, "additionalProperties": False}
    assert close({"properties": {"a": {}}, "unevaluatedProperties": {"type": "string"}}) == {
        "properties": {"a": {}},
        "additionalProperties": False,
    }


def test_all_of_parts_are_open_and_the_object_that_combines_them_is_closed() -> None:
    closed = close({"allOf": [{"$ref": "#/$defs/Base"}, {"properties": {"x": {}}}]})
    assert closed == {
        "allOf": [{"$ref": f"#/$defs/Base{OPEN}"}, {"properties": {"x": {}}}],
        "unevaluatedProperties": False,
    }


def test_a_union_of_an_object_with_fields_and_a_free_form_one_is_not_closed() -> None:
    schema = {"anyOf": [{"$ref": "#/$defs/Thing"}, {"type": "object"}]}
    defs = {"Thing": {"type": "object", "properties": {"a": {}}}}
    assert close_response(schema, defs, schema_id="x") is None
    assert close_response({"anyOf": [{"$ref": "#/$defs/Thing"}, {"type": "null"}]}, defs, schema_id="x")


def objects_in(value: Any) -> list[dict[str, Any]]:
    """Every object in `value`, itself included (test_body_fields.py drifts them too)."""
    objects: list[dict[str, Any]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            objects.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return objects


def _with_extra_field(value: Any, rng: random.Random) -> Any:
    """`value` with one key added to one of its objects (if it has any), somewhere random."""
    objects = objects_in(value)
    if objects:
        rng.choice(objects)["zz_undocumented"] = 1
    return value


STORE = ContractStore()
VALIDATORS = {label: ResponseValidator(STORE.load(label)) for label in STORE.labels()}
PAIRS = sorted(
    (label, op.id, status)
    for label, v in VALIDATORS.items()
    for op in v.version.operations.values()
    for status, spec in op.responses.items()
    if spec.schema is not None
)


@pytest.mark.parametrize("label", sorted(VALIDATORS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_closed_and_walk_agree_on_generated_bodies(label: str, data: st.DataObject, seed: int) -> None:
    validator = VALIDATORS[label]
    _, op_id, status = data.draw(st.sampled_from([p for p in PAIRS if p[0] == label]))
    version = validator.version
    body = data.draw(from_schema(version.operation(op_id).responses[status].schema, version.schemas))
    if data.draw(st.booleans()):
        body = _with_extra_field(body, random.Random(seed))
    if not validator.is_valid(op_id, status, body):
        return
    closed = validator._closed_validator(op_id, status)
    walk = validator.undocumented(op_id, status, body)
    assert closed is not None
    # Never hides drift, and never sends a body without drift down the slow path.
    assert closed.is_valid(body) == (not walk), (op_id, status, walk)
    assert validator.validate(op_id, status, body, strict=True).undocumented == walk


def _strict(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> ResponseValidator:
    from suite_versions import version_for

    return ResponseValidator(version_for(schema, defs))


def test_a_pattern_that_matches_a_named_property_still_applies_once_closed() -> None:
    validator = _strict(
        {
            "properties": {"foo": {"type": "array", "maxItems": 3}},
            "patternProperties": {"f.o": {"minItems": 2}},
            "additionalProperties": {"type": "integer"},
        }
    )
    assert not validator.validate("op", "200", {"foo": []}, strict=True).valid
    assert validator.validate("op", "200", {"foo": [1, 2]}, strict=True).exact
    extra = validator.validate("op", "200", {"foo": [1, 2], "fxo": [1, 2]}, strict=True)
    assert extra.valid and [u.field for u in extra.undocumented] == ["fxo"]


def test_additional_properties_still_applies_to_a_key_an_in_place_part_declares() -> None:
    validator = _strict(
        {
            "properties": {"a": {}},
            "additionalProperties": {"type": "integer"},
            "allOf": [{"properties": {"b": {}}}],
        }
    )
    assert not validator.validate("op", "200", {"a": 1, "b": "text"}, strict=True).valid
    assert validator.validate("op", "200", {"a": 1, "b": 2}, strict=True).exact


@pytest.mark.parametrize(
    "keys", [{"patternProperties": {"^x-": {"type": "string"}}}, {"additionalProperties": {"type": "string"}}]
)
def test_keys_an_all_of_part_admits_beside_its_fields_stay_undocumented(keys: dict[str, Any]) -> None:
    defs = {"Base": {"type": "object", "properties": {"a": {"type": "string"}}, **keys}}
    validator = _strict({"allOf": [{"$ref": "schemas.json#/$defs/Base"}], "properties": {"b": {}}}, defs)
    body = {"a": "s", "b": "t", "x-1": "u"}
    result = validator.validate("op", "200", body, strict=True)
    assert result.valid and [u.field for u in result.undocumented] == ["x-1"]
    assert not validator._closed_validator("op", "200").is_valid(body)
    assert validator.validate("op", "200", {"a": "s", "b": "t"}, strict=True).exact


def test_a_map_part_of_an_object_with_fields_does_not_document_its_keys() -> None:
    defs = {"Labels": {"type": "object", "additionalProperties": {"type": "string"}}}
    validator = _strict({"allOf": [{"$ref": "schemas.json#/$defs/Labels"}], "properties": {"id": {}}}, defs)
    result = validator.validate("op", "200", {"id": "1", "colour": "red"}, strict=True)
    assert result.valid and [u.field for u in result.undocumented] == ["colour"]
    assert not validator.validate("op", "200", {"id": "x", "colour": 1}, strict=True).valid


def test_an_all_of_parts_own_unevaluated_properties_neither_documents_keys_nor_is_lost() -> None:
    part = {"properties": {"baz": {"type": "integer"}}, "unevaluatedProperties": {"type": "string"}}
    validator = _strict({"properties": {"foo": {"type": "string"}}, "allOf": [part]})
    result = validator.validate("op", "200", {"foo": "a", "baz": 1, "bar": "x"}, strict=True)
    assert result.valid and [u.field for u in result.undocumented] == ["bar"]
    assert not validator.validate("op", "200", {"foo": "a", "baz": 1, "bar": 2}, strict=True).valid
    assert validator.validate("op", "200", {"foo": "a", "baz": 1}, strict=True).exact
    anything = _strict({"properties": {"foo": {}}, "allOf": [{"unevaluatedProperties": True}]})
    assert [
        u.field for u in anything.validate("op", "200", {"foo": 1, "bar": 2}, strict=True).undocumented
    ] == ["bar"]
