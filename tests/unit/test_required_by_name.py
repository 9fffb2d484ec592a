"""A name in `required` without a property schema is a field of any value (JSON Schema): flattened as
one, so a property that leaves `properties` but stays required is widened, not removed or renamed."""

from __future__ import annotations

import pytest
from test_diff import version

from apidrift.check.shapes import SchemaFlattener
from apidrift.contracts.model import ContractVersion, JSONSchema, Operation, RequestBody, ResponseSpec
from apidrift.diff.changes import ChangeKind as K
from apidrift.diff.changes import Severity, Side
from apidrift.diff.engine import diff_versions

INT32: JSONSchema = {"type": "integer", "format": "int32"}
INT64: JSONSchema = {"type": "integer", "format": "int64"}
BEFORE: JSONSchema = {
    "type": "object",
    "properties": {"prop1": INT32, "prop2": INT64},
    "required": ["prop1"],
}
# openapi-diff's SchemaBCTest.changedButCompatible, in small: prop1 kept by name only, prop3 added.
AFTER: JSONSchema = {
    "type": "object",
    "properties": {"prop2": INT64, "prop3": INT64},
    "required": ["prop1"],
}


def test_a_required_name_without_a_schema_is_a_field_of_any_value() -> None:
    shapes = SchemaFlattener({}).flatten(AFTER)
    assert shapes["prop1"].types == () and shapes["prop1"].required
    assert not shapes["prop3"].required


def test_a_closed_object_or_a_schema_elsewhere_adds_no_such_field() -> None:
    closed = SchemaFlattener({}).flatten({**AFTER, "additionalProperties": False})
    assert "prop1" not in closed  # nothing may be sent under that name: the name alone says nothing
    # Branches that require one of the properties the object gives: those properties' own schemas.
    branches = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
    }
    shapes = SchemaFlattener({}).flatten(branches)
    assert (shapes["a"].types, shapes["b"].types) == (("string",), ("integer",))


def _version(label: str, side: Side, schema: JSONSchema) -> ContractVersion:
    """`schema` as the 200 response of a GET, or as the request body of a POST."""
    if side is Side.RESPONSE:
        ops = [
            Operation("get-thing", "GET", "/thing", "", (), None, {"200": ResponseSpec("200", "OK", schema)})
        ]
    else:
        body = RequestBody(True, schema)
        ops = [
            Operation("put-thing", "POST", "/thing", "", (), body, {"200": ResponseSpec("200", "OK", None)})
        ]
    return version(label, ops)


# How each side grades prop1's type widened, then narrowed back: senders gain, readers lose.
GRADES = {
    Side.REQUEST: (Severity.INFO, Severity.BREAKING),
    Side.RESPONSE: (Severity.BREAKING, Severity.INFO),
}


@pytest.mark.parametrize("side", [Side.REQUEST, Side.RESPONSE])
def test_a_property_kept_by_name_is_widened_not_removed_nor_renamed(side: Side) -> None:
    old, new = _version("v1", side, BEFORE), _version("v2", side, AFTER)
    widened, narrowed = GRADES[side]
    forward = diff_versions(old, new).changes
    assert sorted((c.kind, c.path) for c in forward if c.kind is not K.CONSTRAINT_WIDENED) == [
        (K.FIELD_ADDED, "prop3"),
        (K.TYPE_WIDENED, "prop1"),
    ]
    assert [c.severity for c in forward if c.kind is K.TYPE_WIDENED] == [widened]
    assert all(c.side is side for c in forward)
    backward = diff_versions(new, old).changes
    assert sorted((c.kind, c.path) for c in backward if c.kind is not K.CONSTRAINT_NARROWED) == [
        (K.FIELD_REMOVED, "prop3"),
        (K.TYPE_NARROWED, "prop1"),
    ]
    assert [c.severity for c in backward if c.kind is K.TYPE_NARROWED] == [narrowed]
