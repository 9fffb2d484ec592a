"""Hypothesis strategies from contract schemas: what they generate is valid, and can be focused."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from apidrift.contracts.model import ContractStore
from apidrift.generate.strategies import from_schema

DEFS: dict[str, Any] = {
    "Owner": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        "required": ["id"],
    },
    "Node": {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "count"],
    "properties": {
        "kind": {"const": "page"},
        "count": {"type": "integer", "minimum": 0, "maximum": 5},
        "label": {"anyOf": [{"type": "string", "maxLength": 4}, {"type": "null"}]},
        "owner": {"$ref": "#/$defs/Owner"},
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2},
        "tree": {"$ref": "#/$defs/Node"},
        "both": {"allOf": [{"$ref": "#/$defs/Owner"}, {"properties": {"extra": {"type": "boolean"}}}]},
    },
}
VALIDATOR = Draft202012Validator({**SCHEMA, "$defs": DEFS})
FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@FAST
@given(from_schema(SCHEMA, DEFS))
def test_every_instance_is_valid(instance: Any) -> None:
    assert list(VALIDATOR.iter_errors(instance)) == []


@FAST
@given(from_schema(SCHEMA, DEFS, include_optional=lambda path: path in {"owner", "owner.name"}))
def test_optional_fields_outside_the_focus_never_appear(instance: dict[str, Any]) -> None:
    assert set(instance) <= {"kind", "count", "owner"}
    assert set(instance.get("owner", {})) <= {"id", "name"}


@FAST
@given(from_schema(SCHEMA, DEFS, include_optional=lambda path: False))
def test_without_optional_fields_only_the_required_ones_remain(instance: dict[str, Any]) -> None:
    assert set(instance) == {"kind", "count"}


def _request_bodies_valid(validator: Draft202012Validator, schema: Any, defs: Any, op_id: str) -> None:
    @FAST
    @given(from_schema(schema, defs))
    def check(body: Any) -> None:
        assert list(validator.iter_errors(body)) == [], op_id

    check()


def test_every_documented_request_body_generates_valid_instances(store: ContractStore) -> None:
    version = store.load("2026-05-02")
    bodies = [op for op in version.operations.values() if op.request_body is not None]
    assert len(bodies) > 20
    for op in bodies:
        assert op.request_body is not None
        validator = Draft202012Validator(version.request_schema(op.id), registry=version.registry)
        _request_bodies_valid(validator, op.request_body.schema, version.schemas, op.id)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": True, "b": False}, "required": ["a"]},
        {"anyOf": [False, {"type": "integer"}]},
        {"oneOf": [True, False]},
        {"allOf": [True, {"type": "string"}]},
        {"type": "array", "items": True},
    ],
)
def test_boolean_subschemas_generate_only_valid_values(schema: dict[str, Any]) -> None:
    validator = jsonschema_rs.validator_for(schema)

    @settings(max_examples=20, database=None, deadline=None)
    @given(from_schema(schema, {}))
    def check(value: Any) -> None:
        assert validator.is_valid(value), value

    check()


def test_a_schema_with_a_false_all_of_part_generates_nothing() -> None:
    from hypothesis.errors import Unsatisfiable

    @settings(max_examples=5, database=None)
    @given(from_schema({"allOf": [False, {"type": "string"}]}, {}))
    def check(value: Any) -> None:
        raise AssertionError(value)

    with pytest.raises(Unsatisfiable):
        check()


def test_a_pattern_python_cannot_read_still_generates_strings() -> None:
    drawn: list[Any] = []

    @settings(max_examples=10, database=None, deadline=None)
    @given(from_schema({"type": "string", "pattern": "^\\cC$", "maxLength": 4}, {}))
    def check(value: Any) -> None:
        drawn.append(value)

    check()
    assert drawn and all(isinstance(v, str) and len(v) <= 4 for v in drawn)
