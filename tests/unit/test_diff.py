"""`diff_versions` on tiny hand-built contract versions: every change kind, in both directions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import pytest

from apidrift.contracts.model import (
    ContractStore,
    ContractVersion,
    JSONSchema,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
)
from apidrift.diff.changes import Change, ChangeKind, Severity, Side
from apidrift.diff.engine import INLINE, VersionDiff, diff_versions, iter_changes, path_shape

K = ChangeKind
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO

# --- fixtures built in code --------------------------------------------------------------------


def version(
    label: str, operations: Iterable[Operation], schemas: Mapping[str, JSONSchema] | None = None
) -> ContractVersion:
    return ContractVersion(
        api="test-api",
        version=label,
        date=None,
        description="",
        sources=(),
        operations={o.id: o for o in operations},
        schemas=dict(schemas or {}),
    )


def op(
    response: JSONSchema | None = None,
    *,
    op_id: str = "list-things",
    method: str = "GET",
    path: str = "/things",
    params: Iterable[Parameter] = (),
    body: JSONSchema | None = None,
    body_required: bool = True,
    statuses: Iterable[str] = (),
) -> Operation:
    """An operation whose 200 response has `response` as schema, plus body-less extra statuses."""
    responses = {"200": ResponseSpec("200", "OK", response)}
    responses |= {s: ResponseSpec(s, "other", None) for s in statuses}
    request = None if body is None else RequestBody(body_required, body)
    return Operation(op_id, method, path, "", tuple(params), request, responses)


def param(
    name: str, schema: JSONSchema | None = None, *, where: str = "query", required: bool = False
) -> Parameter:
    return Parameter(name, where, required, schema or {"type": "string"})


def obj(properties: Mapping[str, JSONSchema], required: Iterable[str] | None = None) -> JSONSchema:
    """An object schema; every property is required unless `required` says otherwise."""
    names = list(properties) if required is None else list(required)
    return {"type": "object", "properties": dict(properties), "required": names}


def array(items: JSONSchema) -> JSONSchema:
    return {"type": "array", "items": items}


def ref(name: str) -> JSONSchema:
    """A reference as operations write it."""
    return {"$ref": f"schemas.json#/$defs/{name}"}


def local_ref(name: str) -> JSONSchema:
    """A reference as named schemas write it."""
    return {"$ref": f"#/$defs/{name}"}


STRING: JSONSchema = {"type": "string"}
INTEGER: JSONSchema = {"type": "integer"}


def diff(old: ContractVersion, new: ContractVersion, **kw: Any) -> list[Change]:
    return diff_versions(old, new, **kw).changes


def both(
    old: JSONSchema | None,
    new: JSONSchema | None,
    old_defs: Mapping[str, JSONSchema] | None = None,
    new_defs: Mapping[str, JSONSchema] | None = None,
    **kw: Any,
) -> tuple[list[Change], list[Change]]:
    """The changes of one GET operation's 200 response schema, old -> new and new -> old."""
    a, b = version("v1", [op(old)], old_defs), version("v2", [op(new)], new_defs)
    return diff(a, b, **kw), diff(b, a, **kw)


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, [c.to_json() for c in changes]
    return changes[0]


def facts(change: Change) -> tuple[Any, ...]:
    return (change.kind, change.side, change.status, change.path, change.old, change.new, change.severity)


def by_path(changes: list[Change]) -> dict[str, Change]:
    out = {c.path: c for c in changes}
    assert len(out) == len(changes), [c.to_json() for c in changes]
    return out


# --- operations --------------------------------------------------------------------------------


def test_path_shape_blanks_parameter_names() -> None:
    assert path_shape("/a/{key_id}/b/{x}") == "/a/{}/b/{}"
    assert path_shape("/a/b") == "/a/b"


def test_operation_added_and_removed() -> None:
    listing = op(obj({"id": STRING}))
    delete = op(None, op_id="delete-thing", method="DELETE", path="/things/{thing_id}")
    old, new = version("v1", [listing]), version("v2", [listing, delete])

    added = only(diff(old, new))
    assert facts(added) == (K.OPERATION_ADDED, Side.OPERATION, None, "", None, None, INFO)
    assert (added.operation, added.operation_id) == ("DELETE /things/{thing_id}", "delete-thing")

    removed = only(diff(new, old))
    assert facts(removed) == (K.OPERATION_REMOVED, Side.OPERATION, None, "", None, None, B)
    assert removed.operation == "DELETE /things/{thing_id}"


def test_same_path_under_another_method_is_another_operation() -> None:
    get, post = op(obj({"id": STRING})), op(obj({"id": STRING}), op_id="create", method="POST")
    changes = diff(version("v1", [get]), version("v2", [post]))
    assert sorted((c.kind, c.operation) for c in changes) == [
        (K.OPERATION_ADDED, "POST /things"),
        (K.OPERATION_REMOVED, "GET /things"),
    ]


def test_path_param_renamed_is_one_change_on_the_same_operation() -> None:
    old_op = op(
        obj({"id": STRING}),
        op_id="get-key",
        path="/a/{key_id}",
        params=[param("key_id", where="path", required=True)],
    )
    new_op = op(
        obj({"id": STRING}),
        op_id="get-key",
        path="/a/{api_key_id}",
        params=[param("api_key_id", where="path", required=True)],
    )
    old, new = version("v1", [old_op]), version("v2", [new_op])

    change = only(diff(old, new))
    assert facts(change) == (
        K.PATH_PARAM_RENAMED,
        Side.PARAMETER,
        None,
        "api_key_id",
        "key_id",
        "api_key_id",
        B,
    )
    assert change.operation == "GET /a/{api_key_id}"
    assert change.confidence is not None and 0.5 <= change.confidence <= 1
    assert "same position in the same path shape" in change.evidence
    assert any("prefix" in e for e in change.evidence)

    back = only(diff(new, old))
    assert facts(back) == (K.PATH_PARAM_RENAMED, Side.PARAMETER, None, "key_id", "api_key_id", "key_id", B)
    assert back.operation == "GET /a/{key_id}"


def test_path_param_renamed_and_retyped_reports_the_type_under_the_new_name() -> None:
    old_op = op(None, path="/a/{key_id}", params=[param("key_id", where="path", required=True)])
    new_op = op(
        None, path="/a/{api_key_id}", params=[param("api_key_id", INTEGER, where="path", required=True)]
    )
    changes = diff(version("v1", [old_op]), version("v2", [new_op]))
    assert [(c.kind, c.path) for c in changes] == [
        (K.PATH_PARAM_RENAMED, "api_key_id"),
        (K.TYPE_CHANGED, "api_key_id"),
    ]
    assert (changes[1].old, changes[1].new) == (["string"], ["integer"])


# --- parameters --------------------------------------------------------------------------------


def _params_diff(old: list[Parameter], new: list[Parameter]) -> tuple[list[Change], list[Change]]:
    a, b = version("v1", [op(None, params=old)]), version("v2", [op(None, params=new)])
    return diff(a, b), diff(b, a)


def test_optional_param_added_is_info_and_its_removal_a_warning() -> None:
    forward, backward = _params_diff([], [param("after")])
    assert facts(only(forward)) == (K.PARAM_ADDED, Side.PARAMETER, None, "after", None, "query", INFO)
    assert facts(only(backward)) == (K.PARAM_REMOVED, Side.PARAMETER, None, "after", "query", None, W)


def test_required_param_added_is_breaking() -> None:
    forward, backward = _params_diff([], [param("project_id", required=True)])
    assert facts(only(forward)) == (K.PARAM_ADDED, Side.PARAMETER, None, "project_id", None, "query", B)
    assert "required" in only(forward).message
    assert facts(only(backward)) == (K.PARAM_REMOVED, Side.PARAMETER, None, "project_id", "query", None, W)


def test_param_became_required_and_optional() -> None:
    forward, backward = _params_diff([param("limit")], [param("limit", required=True)])
    assert facts(only(forward)) == (K.PARAM_BECAME_REQUIRED, Side.PARAMETER, None, "limit", False, True, B)
    assert facts(only(backward)) == (
        K.PARAM_BECAME_OPTIONAL,
        Side.PARAMETER,
        None,
        "limit",
        True,
        False,
        INFO,
    )


def test_params_are_matched_by_location_and_name() -> None:
    forward, _ = _params_diff([param("x")], [param("x", where="header")])
    assert sorted((c.kind, c.old, c.new) for c in forward) == [
        (K.PARAM_ADDED, None, "header"),
        (K.PARAM_REMOVED, "query", None),
    ]


def test_array_param_item_change_has_an_items_path() -> None:
    forward, _ = _params_diff(
        [param("ids", array({"type": "string", "enum": ["a", "b"]}))],
        [param("ids", array({"type": "string", "enum": ["a"]}))],
    )
    assert facts(only(forward)) == (
        K.ENUM_VALUES_REMOVED,
        Side.PARAMETER,
        None,
        "ids[]",
        ["a", "b"],
        ["a"],
        B,
    )


# --- status codes ------------------------------------------------------------------------------


def test_status_added_and_removed() -> None:
    old, new = (
        version("v1", [op(obj({"id": STRING}))]),
        version("v2", [op(obj({"id": STRING}), statuses=["404"])]),
    )
    assert facts(only(diff(old, new))) == (K.STATUS_ADDED, Side.RESPONSE, "404", "", None, "404", W)
    assert facts(only(diff(new, old))) == (K.STATUS_REMOVED, Side.RESPONSE, "404", "", "404", None, INFO)


# --- field facets, on every side ---------------------------------------------------------------

# (old schema of field `x`, new schema, forward kind, backward kind, forward old, forward new)
FACETS: dict[str, tuple[JSONSchema, JSONSchema, ChangeKind, ChangeKind, Any, Any]] = {
    "type": (STRING, INTEGER, K.TYPE_CHANGED, K.TYPE_CHANGED, ["string"], ["integer"]),
    "enum": (
        {"type": "string", "enum": ["owner"]},
        {"type": "string", "enum": ["owner", "reader"]},
        K.ENUM_VALUES_ADDED,
        K.ENUM_VALUES_REMOVED,
        ["owner"],
        ["owner", "reader"],
    ),
    "nullable-type-list": (
        STRING,
        {"type": ["string", "null"]},
        K.BECAME_NULLABLE,
        K.BECAME_NON_NULLABLE,
        False,
        True,
    ),
    "nullable-anyOf": (
        STRING,
        {"anyOf": [STRING, {"type": "null"}]},
        K.BECAME_NULLABLE,
        K.BECAME_NON_NULLABLE,
        False,
        True,
    ),
    "maxLength": (
        {"type": "string", "maxLength": 64},
        {"type": "string", "maxLength": 32},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"maxLength": 64},
        {"maxLength": 32},
    ),
    "minimum": (
        {"type": "integer", "minimum": 0},
        {"type": "integer", "minimum": 1},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"minimum": 0},
        {"minimum": 1},
    ),
    "minimum-dropped": (
        {"type": "integer", "minimum": 0},
        INTEGER,
        K.CONSTRAINT_WIDENED,
        K.CONSTRAINT_NARROWED,
        {"minimum": 0},
        {"minimum": None},
    ),
    "exclusiveMaximum": (
        {"type": "number", "exclusiveMaximum": 10},
        {"type": "number", "exclusiveMaximum": 5},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"exclusiveMaximum": 10},
        {"exclusiveMaximum": 5},
    ),
    "maxItems": (
        {"type": "array", "items": STRING, "maxItems": 10},
        {"type": "array", "items": STRING, "maxItems": 20},
        K.CONSTRAINT_WIDENED,
        K.CONSTRAINT_NARROWED,
        {"maxItems": 10},
        {"maxItems": 20},
    ),
    "minItems": (
        {"type": "array", "items": STRING},
        {"type": "array", "items": STRING, "minItems": 1},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"minItems": None},
        {"minItems": 1},
    ),
    "uniqueItems": (
        {"type": "array", "items": STRING, "uniqueItems": False},
        {"type": "array", "items": STRING, "uniqueItems": True},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"uniqueItems": False},
        {"uniqueItems": True},
    ),
    "multipleOf": (
        {"type": "integer", "multipleOf": 2},
        {"type": "integer", "multipleOf": 4},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"multipleOf": 2},
        {"multipleOf": 4},
    ),
    "maxProperties": (
        {"type": "object", "maxProperties": 4},
        {"type": "object", "maxProperties": 2},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"maxProperties": 4},
        {"maxProperties": 2},
    ),
    "minProperties": (
        {"type": "object", "minProperties": 1},
        {"type": "object"},
        K.CONSTRAINT_WIDENED,
        K.CONSTRAINT_NARROWED,
        {"minProperties": 1},
        {"minProperties": None},
    ),
    "pattern-added": (
        STRING,
        {"type": "string", "pattern": "^[a-z]+$"},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"pattern": None},
        {"pattern": "^[a-z]+$"},
    ),
    "pattern-changed": (
        {"type": "string", "pattern": "^a"},
        {"type": "string", "pattern": "^b"},
        K.CONSTRAINT_CHANGED,
        K.CONSTRAINT_CHANGED,
        {"pattern": "^a"},
        {"pattern": "^b"},
    ),
    "format-int": (
        {"type": "integer", "format": "int64"},
        {"type": "integer", "format": "int32"},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"format": "int64"},
        {"format": "int32"},
    ),
    # A uuid is also a valid hostname: the two overlap, and which way the change goes is not decided.
    "format-unrelated": (
        {"type": "string", "format": "uuid"},
        {"type": "string", "format": "hostname"},
        K.CONSTRAINT_CHANGED,
        K.CONSTRAINT_CHANGED,
        {"format": "uuid"},
        {"format": "hostname"},
    ),
    # No uuid is an email address: every old value is refused, every new one unexpected.
    "format-disjoint": (
        {"type": "string", "format": "uuid"},
        {"type": "string", "format": "email"},
        K.CONSTRAINT_REPLACED,
        K.CONSTRAINT_REPLACED,
        {"format": "uuid"},
        {"format": "email"},
    ),
    "additionalProperties": (
        {"type": "object"},
        {"type": "object", "additionalProperties": False},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"additionalProperties": True},
        {"additionalProperties": False},
    ),
    "const": (
        {"const": "a"},
        {"enum": ["a", "b"]},
        K.ENUM_VALUES_ADDED,
        K.ENUM_VALUES_REMOVED,
        ["a"],
        ["a", "b"],
    ),
    "type-widened": (
        INTEGER,
        {"type": "number"},
        K.TYPE_WIDENED,
        K.TYPE_NARROWED,
        ["integer"],
        ["number"],
    ),
    "union-widened": (
        {"type": "array", "items": STRING},
        {"oneOf": [STRING, {"type": "array", "items": STRING}]},
        K.TYPE_WIDENED,
        K.TYPE_NARROWED,
        ["array"],
        ["array", "string"],
    ),
    # An inline branch of a new JSON type is the type widening, reported once.
    "union-branch": (
        {"oneOf": [STRING, INTEGER]},
        {"oneOf": [STRING, INTEGER, {"type": "boolean"}]},
        K.TYPE_WIDENED,
        K.TYPE_NARROWED,
        ["integer", "string"],
        ["boolean", "integer", "string"],
    ),
    # JSON Schema 2020-12 keywords, graded by the same principle.
    "contains": (
        {"type": "array", "items": STRING},
        {"type": "array", "items": STRING, "contains": {"const": "a"}},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"contains": None},
        {"contains": (("const", "a"),)},
    ),
    "minContains": (
        {"type": "array", "contains": STRING, "minContains": 1},
        {"type": "array", "contains": STRING, "minContains": 2},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"minContains": 1},
        {"minContains": 2},
    ),
    "maxContains": (
        {"type": "array", "contains": STRING, "maxContains": 3},
        {"type": "array", "contains": STRING, "maxContains": 5},
        K.CONSTRAINT_WIDENED,
        K.CONSTRAINT_NARROWED,
        {"maxContains": 3},
        {"maxContains": 5},
    ),
    "dependentRequired": (
        {"type": "object", "dependentRequired": {"a": ["b"]}},
        {"type": "object", "dependentRequired": {"a": ["b", "c"]}},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"dependentRequired": (("a", ("b",)),)},
        {"dependentRequired": (("a", ("b", "c")),)},
    ),
    "dependentSchemas": (
        {"type": "object", "dependentSchemas": {"a": {"required": ["b"]}}},
        {"type": "object", "dependentSchemas": {"a": {"required": ["c"]}}},
        K.CONSTRAINT_CHANGED,
        K.CONSTRAINT_CHANGED,
        {"dependentSchemas": (("a", (("required", ("b",)),)),)},
        {"dependentSchemas": (("a", (("required", ("c",)),)),)},
    ),
    "patternProperties": (
        {"type": "object"},
        {"type": "object", "patternProperties": {"^x-": STRING}},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"patternProperties": None},
        {"patternProperties": (("^x-", (("type", "string"),)),)},
    ),
    "propertyNames": (
        {"type": "object", "propertyNames": {"maxLength": 3}},
        {"type": "object"},
        K.CONSTRAINT_WIDENED,
        K.CONSTRAINT_NARROWED,
        {"propertyNames": (("maxLength", 3),)},
        {"propertyNames": None},
    ),
    "unevaluatedProperties": (
        {"type": "object", "unevaluatedProperties": False},
        {"type": "object"},
        K.CONSTRAINT_WIDENED,
        K.CONSTRAINT_NARROWED,
        {"unevaluatedProperties": False},
        {"unevaluatedProperties": True},
    ),
    "unevaluatedItems": (
        {"type": "array"},
        {"type": "array", "unevaluatedItems": False},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"unevaluatedItems": True},
        {"unevaluatedItems": False},
    ),
    # More than the types and bounds of its entries changed (an enum): undecided (a type or bound
    # change is one per position).
    "prefixItems": (
        {"type": "array", "prefixItems": [STRING]},
        {"type": "array", "prefixItems": [{"type": "integer", "enum": [1]}]},
        K.CONSTRAINT_CHANGED,
        K.CONSTRAINT_CHANGED,
        {"prefixItems": ((("type", "string"),),)},
        {"prefixItems": ((("enum", (1,)), ("type", "integer")),)},
    ),
    "if-then-else": (
        {"type": "string"},
        {"type": "string", "if": {"minLength": 2}, "then": {"maxLength": 4}},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"if/then/else": None},
        {"if/then/else": (("if", (("minLength", 2),)), ("then", (("maxLength", 4),)))},
    ),
    "not": (
        {"type": "string"},
        {"type": "string", "not": {"const": ""}},
        K.CONSTRAINT_NARROWED,
        K.CONSTRAINT_WIDENED,
        {"not": None},
        {"not": (("const", ""),)},
    ),
    "contentEncoding": (
        {"type": "string", "contentEncoding": "base64"},
        {"type": "string", "contentEncoding": "base32"},
        K.CONSTRAINT_CHANGED,
        K.CONSTRAINT_CHANGED,
        {"contentEncoding": "base64"},
        {"contentEncoding": "base32"},
    ),
    "contentMediaType": (
        {"type": "string"},
        {"type": "string", "contentMediaType": "application/json"},
        K.CONSTRAINT_CHANGED,
        K.CONSTRAINT_CHANGED,
        {"contentMediaType": None},
        {"contentMediaType": "application/json"},
    ),
    "enum-value-spelling": (
        {"enum": ["cancelled", "active"]},
        {"enum": ["canceled", "active"]},
        K.ENUM_VALUE_RENAMED,
        K.ENUM_VALUE_RENAMED,
        "cancelled",
        "canceled",
    ),
    "default": (
        {"type": "integer", "default": 20},
        {"type": "integer", "default": 100},
        K.DEFAULT_CHANGED,
        K.DEFAULT_CHANGED,
        20,
        100,
    ),
    "x-extensible-enum": (
        {"type": "string", "x-extensible-enum": ["a"]},
        {"type": "string", "x-extensible-enum": ["a", "b"]},
        K.EXTENSIBLE_ENUM_VALUES_ADDED,
        K.EXTENSIBLE_ENUM_VALUES_REMOVED,
        ["a"],
        ["a", "b"],
    ),
    "deprecated": (
        STRING,
        {"type": "string", "deprecated": True},
        K.FIELD_DEPRECATED,
        K.FIELD_UNDEPRECATED,
        False,
        True,
    ),
}
# The severity each kind gets on each side (independent of RULES on purpose): senders break when
# a schema refuses what it accepted, readers when it admits what it excluded.
READER = {
    K.TYPE_CHANGED: B,
    K.TYPE_WIDENED: B,
    K.TYPE_NARROWED: INFO,
    K.ENUM_VALUES_ADDED: W,
    K.ENUM_VALUES_REMOVED: INFO,
    K.BECAME_NULLABLE: B,
    K.BECAME_NON_NULLABLE: INFO,
    K.CONSTRAINT_NARROWED: INFO,
    K.CONSTRAINT_WIDENED: B,
    K.CONSTRAINT_CHANGED: W,
    K.CONSTRAINT_REPLACED: B,
    K.UNION_MEMBER_ADDED: W,
    K.UNION_MEMBER_REMOVED: INFO,
    K.ENUM_VALUE_RENAMED: B,
    K.DEFAULT_CHANGED: INFO,
    K.EXTENSIBLE_ENUM_VALUES_ADDED: INFO,
    K.EXTENSIBLE_ENUM_VALUES_REMOVED: INFO,
    K.FIELD_DEPRECATED: INFO,
    K.FIELD_UNDEPRECATED: INFO,
}
SENDER = {
    K.TYPE_CHANGED: B,
    K.TYPE_WIDENED: INFO,
    K.TYPE_NARROWED: B,
    K.ENUM_VALUES_ADDED: INFO,
    K.ENUM_VALUES_REMOVED: B,
    K.BECAME_NULLABLE: INFO,
    K.BECAME_NON_NULLABLE: B,
    K.CONSTRAINT_NARROWED: B,
    K.CONSTRAINT_WIDENED: INFO,
    K.CONSTRAINT_CHANGED: W,
    K.CONSTRAINT_REPLACED: B,
    K.UNION_MEMBER_ADDED: INFO,
    K.UNION_MEMBER_REMOVED: B,
    K.ENUM_VALUE_RENAMED: B,
    K.DEFAULT_CHANGED: W,
    K.EXTENSIBLE_ENUM_VALUES_ADDED: INFO,
    K.EXTENSIBLE_ENUM_VALUES_REMOVED: B,
    K.FIELD_DEPRECATED: INFO,
    K.FIELD_UNDEPRECATED: INFO,
}
EXPECTED = {Side.RESPONSE: READER, Side.REQUEST: SENDER, Side.PARAMETER: SENDER}


def _side_versions(
    side: Side, field: JSONSchema, label: str, defs: Mapping[str, JSONSchema] | None = None
) -> ContractVersion:
    """`field` as property `x` of a response or a request body, or as the schema of query param `x`."""
    if side is Side.RESPONSE:
        return version(label, [op(obj({"x": field}))], defs)
    if side is Side.REQUEST:
        # Optional, as the parameter is: a required field's default never applies to its senders.
        return version(label, [op(None, method="POST", body=obj({"x": field}, []))], defs)
    return version(label, [op(None, params=[param("x", field)])], defs)


@pytest.mark.parametrize("side", [Side.RESPONSE, Side.REQUEST, Side.PARAMETER])
@pytest.mark.parametrize("case", list(FACETS))
def test_facet_changes_mirror_and_are_graded_by_side(case: str, side: Side) -> None:
    before, after, kind, mirrored, old_value, new_value = FACETS[case]
    old, new = _side_versions(side, before, "v1"), _side_versions(side, after, "v2")
    status = "200" if side is Side.RESPONSE else None

    forward = only(diff(old, new))
    assert facts(forward) == (kind, side, status, "x", old_value, new_value, EXPECTED[side][kind])
    backward = only(diff(new, old))
    assert facts(backward) == (mirrored, side, status, "x", new_value, old_value, EXPECTED[side][mirrored])


def test_enum_values_added_and_removed_at_once_are_two_changes() -> None:
    forward, _ = both(
        obj({"role": {"enum": ["owner", "reader"]}}), obj({"role": {"enum": ["owner", "member"]}})
    )
    assert sorted((c.kind, c.severity) for c in forward) == [
        (K.ENUM_VALUES_ADDED, W),
        (K.ENUM_VALUES_REMOVED, INFO),
    ]


def test_enum_became_plain_string_is_a_type_change_and_back_a_constraint() -> None:
    enum = {"type": "string", "enum": ["owner", "reader"]}
    forward, backward = both(obj({"role": enum}), obj({"role": STRING}))
    # Dropping the enum widens the values: readers may meet new ones (a warning, like added values).
    assert facts(only(forward)) == (
        K.TYPE_CHANGED,
        Side.RESPONSE,
        "200",
        "role",
        ["owner", "reader"],
        "string",
        W,
    )
    assert facts(only(backward)) == (
        K.CONSTRAINT_NARROWED,
        Side.RESPONSE,
        "200",
        "role",
        "string",
        ["owner", "reader"],
        INFO,
    )


NULLABLE_SPELLINGS: list[tuple[JSONSchema, JSONSchema]] = [
    ({"type": ["string", "null"]}, {"anyOf": [STRING, {"type": "null"}]}),
    ({"type": ["null", "integer"]}, {"oneOf": [{"type": "null"}, INTEGER]}),
    (
        {"type": ["string", "null"], "enum": ["a", "b", None], "maxLength": 8, "description": "d"},
        {
            "description": "d",
            "anyOf": [{"type": "string", "enum": ["a", "b"], "maxLength": 8}, {"type": "null"}],
        },
    ),
]


@pytest.mark.parametrize(("list_form", "union_form"), NULLABLE_SPELLINGS)
def test_nullable_notations_mean_the_same(list_form: JSONSchema, union_form: JSONSchema) -> None:
    forward, backward = both(obj({"x": list_form}), obj({"x": union_form}), include_cosmetic=True)
    assert forward == backward == []


def test_notation_swap_with_a_real_type_change_reports_only_the_type() -> None:
    forward, _ = both(
        obj({"x": {"type": ["string", "null"]}}), obj({"x": {"anyOf": [INTEGER, {"type": "null"}]}})
    )
    assert facts(only(forward)) == (K.TYPE_CHANGED, Side.RESPONSE, "200", "x", ["string"], ["integer"], B)


def test_a_reference_made_nullable_through_anyof() -> None:
    defs = {"User": obj({"id": STRING})}
    forward, backward = both(
        obj({"owner": ref("User")}), obj({"owner": {"anyOf": [ref("User"), {"type": "null"}]}}), defs, defs
    )
    assert facts(only(forward)) == (K.BECAME_NULLABLE, Side.RESPONSE, "200", "owner", False, True, B)
    assert facts(only(backward)) == (K.BECAME_NON_NULLABLE, Side.RESPONSE, "200", "owner", True, False, INFO)


# --- fields added, removed, required -----------------------------------------------------------


def test_nested_field_in_array_items_added_and_removed() -> None:
    old = obj({"data": array(obj({"owner": obj({"id": STRING})}))})
    new = obj({"data": array(obj({"owner": obj({"id": STRING, "name": STRING})}))})
    forward, backward = both(old, new)
    assert facts(only(forward)) == (
        K.FIELD_ADDED,
        Side.RESPONSE,
        "200",
        "data[].owner.name",
        None,
        "string",
        INFO,
    )
    assert facts(only(backward)) == (
        K.FIELD_REMOVED,
        Side.RESPONSE,
        "200",
        "data[].owner.name",
        "string",
        None,
        B,
    )


def test_a_removed_object_is_one_change_not_one_per_subfield() -> None:
    owner = obj({"name": STRING, "email": STRING})
    forward, backward = both(obj({"id": STRING, "owner": owner}), obj({"id": STRING}))
    assert facts(only(forward)) == (K.FIELD_REMOVED, Side.RESPONSE, "200", "owner", "object", None, B)
    assert facts(only(backward)) == (K.FIELD_ADDED, Side.RESPONSE, "200", "owner", None, "object", INFO)


def _request(old_body: JSONSchema, new_body: JSONSchema) -> tuple[list[Change], list[Change]]:
    a = version("v1", [op(None, method="POST", body=old_body)])
    b = version("v2", [op(None, method="POST", body=new_body)])
    return diff(a, b), diff(b, a)


def test_request_field_added_required_is_breaking_optional_is_info() -> None:
    forward, backward = _request(
        obj({"name": STRING}),
        obj({"name": STRING, "role": STRING, "note": STRING}, required=["name", "role"]),
    )
    got = by_path(forward)
    assert facts(got["role"]) == (K.FIELD_ADDED, Side.REQUEST, None, "role", None, "string", B)
    assert facts(got["note"]) == (K.FIELD_ADDED, Side.REQUEST, None, "note", None, "string", INFO)
    assert "required role" in got["role"].message and "optional note" in got["note"].message
    back = by_path(backward)
    assert facts(back["role"]) == (K.FIELD_REMOVED, Side.REQUEST, None, "role", "string", None, W)
    assert facts(back["note"]) == (K.FIELD_REMOVED, Side.REQUEST, None, "note", "string", None, W)


def test_request_body_added_removed_and_required() -> None:
    body = obj({"name": STRING})
    a, b = version("v1", [op(None, method="POST")]), version("v2", [op(None, method="POST", body=body)])
    assert facts(only(diff(a, b))) == (K.FIELD_ADDED, Side.REQUEST, None, "", None, "body", B)
    assert facts(only(diff(b, a))) == (K.FIELD_REMOVED, Side.REQUEST, None, "", "body", None, W)

    optional = version("v3", [op(None, method="POST", body=body, body_required=False)])
    assert facts(only(diff(optional, b))) == (K.BECAME_REQUIRED, Side.REQUEST, None, "", False, True, B)
    assert facts(only(diff(b, optional))) == (K.BECAME_OPTIONAL, Side.REQUEST, None, "", True, False, INFO)


def test_response_field_became_optional_and_required() -> None:
    forward, backward = both(
        obj({"id": STRING, "email": STRING}), obj({"id": STRING, "email": STRING}, ["id"])
    )
    assert facts(only(forward)) == (K.BECAME_OPTIONAL, Side.RESPONSE, "200", "email", True, False, B)
    assert facts(only(backward)) == (K.BECAME_REQUIRED, Side.RESPONSE, "200", "email", False, True, INFO)


def test_request_field_became_required_and_optional() -> None:
    forward, backward = _request(obj({"name": STRING}, []), obj({"name": STRING}))
    assert facts(only(forward)) == (K.BECAME_REQUIRED, Side.REQUEST, None, "name", False, True, B)
    assert facts(only(backward)) == (K.BECAME_OPTIONAL, Side.REQUEST, None, "name", True, False, INFO)


# --- renames -----------------------------------------------------------------------------------


def test_plural_rename() -> None:
    forward, backward = both(obj({"result": STRING}), obj({"results": STRING}))
    change = only(forward)
    assert facts(change) == (K.FIELD_RENAMED, Side.RESPONSE, "200", "results", "result", "results", B)
    assert change.confidence is not None and change.confidence >= 0.9
    assert any("plural/singular" in e for e in change.evidence)
    assert facts(only(backward)) == (K.FIELD_RENAMED, Side.RESPONSE, "200", "result", "results", "result", B)


def test_lone_same_typed_pair_is_a_rename() -> None:
    old = obj({"id": STRING, "invited_at": INTEGER})
    new = obj({"id": STRING, "created_at": INTEGER})
    forward, backward = both(old, new)
    change = only(forward)
    assert facts(change) == (
        K.FIELD_RENAMED,
        Side.RESPONSE,
        "200",
        "created_at",
        "invited_at",
        "created_at",
        B,
    )
    assert change.confidence is not None and 0.5 <= change.confidence < 0.9
    assert any("only field removed and the only one added" in e for e in change.evidence)
    assert only(backward).kind is K.FIELD_RENAMED


def test_request_rename_is_breaking() -> None:
    forward, _ = _request(obj({"result": STRING}), obj({"results": STRING}))
    assert facts(only(forward)) == (K.FIELD_RENAMED, Side.REQUEST, None, "results", "result", "results", B)


def test_renamed_object_with_unchanged_subtree_is_exactly_one_change() -> None:
    owner = obj({"name": STRING, "email": STRING, "roles": array({"enum": ["a", "b"]})})
    forward, backward = both(obj({"id": STRING, "owner": owner}), obj({"id": STRING, "project_owner": owner}))
    assert facts(only(forward)) == (
        K.FIELD_RENAMED,
        Side.RESPONSE,
        "200",
        "project_owner",
        "owner",
        "project_owner",
        B,
    )
    assert facts(only(backward)) == (
        K.FIELD_RENAMED,
        Side.RESPONSE,
        "200",
        "owner",
        "project_owner",
        "owner",
        B,
    )


def test_renamed_field_inside_array_items() -> None:
    forward, _ = both(
        obj({"data": array(obj({"result": STRING}))}), obj({"data": array(obj({"results": STRING}))})
    )
    assert facts(only(forward)) == (
        K.FIELD_RENAMED,
        Side.RESPONSE,
        "200",
        "data[].results",
        "data[].result",
        "data[].results",
        B,
    )


def test_renamed_object_whose_subfield_also_changed() -> None:
    forward, _ = both(obj({"owner": obj({"name": STRING})}), obj({"owners": obj({"name": INTEGER})}))
    got = [(c.kind, c.path, c.old, c.new) for c in forward]
    assert got == [
        (K.FIELD_RENAMED, "owners", "owner", "owners"),
        (K.TYPE_CHANGED, "owners.name", ["string"], ["integer"]),
    ]


NESTED_OLD = obj({"data": array(obj({"owner": obj({"user_name": STRING})}))})
NESTED_NEW = obj({"data": array(obj({"owners": obj({"name": STRING})}))})


def test_nested_renames_are_peeled_one_level_at_a_time() -> None:
    forward, backward = both(NESTED_OLD, NESTED_NEW)
    assert [(c.kind, c.path) for c in forward] == [
        (K.FIELD_RENAMED, "data[].owners"),
        (K.FIELD_RENAMED, "data[].owners.name"),
    ]
    assert [(c.kind, c.path) for c in backward] == [
        (K.FIELD_RENAMED, "data[].owner"),
        (K.FIELD_RENAMED, "data[].owner.user_name"),
    ]
    assert (forward[0].old, forward[0].new) == ("data[].owner", "data[].owners")


def test_nested_rename_reports_the_old_path_of_the_inner_field() -> None:
    forward, _ = both(NESTED_OLD, NESTED_NEW)
    inner = forward[1]
    assert (inner.old, inner.new) == ("data[].owner.user_name", "data[].owners.name")


# --- no false renames --------------------------------------------------------------------------


def test_string_removed_and_object_added_are_not_paired() -> None:
    forward, backward = both(obj({"geography": STRING}), obj({"owner": obj({"name": STRING})}))
    assert sorted(facts(c) for c in forward) == sorted(
        [
            (K.FIELD_REMOVED, Side.RESPONSE, "200", "geography", "string", None, B),
            (K.FIELD_ADDED, Side.RESPONSE, "200", "owner", None, "object", INFO),
        ]
    )
    assert sorted((c.kind, c.path) for c in backward) == [
        (K.FIELD_ADDED, "geography"),
        (K.FIELD_REMOVED, "owner"),
    ]


def test_unrelated_strings_are_not_paired() -> None:
    forward, backward = both(obj({"geography": STRING}), obj({"owner_name": STRING}))
    assert sorted((c.kind, c.path) for c in forward) == [
        (K.FIELD_ADDED, "owner_name"),
        (K.FIELD_REMOVED, "geography"),
    ]
    assert K.FIELD_RENAMED not in {c.kind for c in backward}


def test_fields_under_different_parents_are_not_paired() -> None:
    old = obj({"a": obj({"result": STRING}), "b": obj({"x": STRING})})
    new = obj({"a": obj({"x": STRING}), "b": obj({"results": STRING, "x": STRING})})
    forward, _ = both(old, new)
    assert K.FIELD_RENAMED not in {c.kind for c in forward}
    assert {(c.kind, c.path) for c in forward} == {
        (K.FIELD_REMOVED, "a.result"),
        (K.FIELD_ADDED, "a.x"),
        (K.FIELD_ADDED, "b.results"),
    }


# --- named schemas -----------------------------------------------------------------------------

USER = obj({"id": STRING, "name": STRING})


def test_schema_renamed_with_the_same_shape_is_one_change_and_no_field_changes() -> None:
    forward, backward = both(ref("User"), ref("Person"), {"User": USER}, {"Person": USER})
    change = only(forward)
    assert facts(change) == (K.SCHEMA_RENAMED, Side.RESPONSE, "200", "", "User", "Person", INFO)
    assert change.confidence is not None and change.confidence >= 0.9
    assert "identical shape" in change.evidence
    assert facts(only(backward)) == (K.SCHEMA_RENAMED, Side.RESPONSE, "200", "", "Person", "User", INFO)


def test_schema_renamed_inside_a_list() -> None:
    old = obj({"data": array(ref("ProjectUser"))})
    new = obj({"data": array(ref("ProjectMember"))})
    forward, _ = both(old, new, {"ProjectUser": USER}, {"ProjectMember": USER})
    assert facts(only(forward)) == (
        K.SCHEMA_RENAMED,
        Side.RESPONSE,
        "200",
        "data[]",
        "ProjectUser",
        "ProjectMember",
        INFO,
    )


def test_schema_renamed_and_changed_reports_both() -> None:
    changed = obj({"id": STRING, "name": STRING, "email": STRING})
    forward, _ = both(
        obj({"owner": ref("User")}), obj({"owner": ref("Person")}), {"User": USER}, {"Person": changed}
    )
    assert sorted((c.kind, c.path, c.old, c.new) for c in forward) == [
        (K.FIELD_ADDED, "owner.email", None, "string"),
        (K.SCHEMA_RENAMED, "owner", "User", "Person"),
    ]


def test_named_type_replaced_by_an_inline_schema() -> None:
    forward, backward = both(obj({"owner": ref("User")}), obj({"owner": USER}), {"User": USER}, {})
    assert facts(only(forward)) == (K.SCHEMA_RENAMED, Side.RESPONSE, "200", "owner", "User", INLINE, INFO)
    assert "inline" in only(forward).message
    assert facts(only(backward)) == (K.SCHEMA_RENAMED, Side.RESPONSE, "200", "owner", INLINE, "User", INFO)


# --- structures --------------------------------------------------------------------------------


def test_all_of_combines_fields_from_every_part() -> None:
    def defs(id_type: JSONSchema) -> dict[str, JSONSchema]:
        return {"Base": obj({"id": id_type})}

    old = {"allOf": [ref("Base"), obj({"name": STRING})]}
    new = {"allOf": [ref("Base"), obj({"name": STRING, "email": STRING})]}
    forward, backward = both(old, new, defs(STRING), defs(INTEGER))
    assert sorted(facts(c) for c in forward) == sorted(
        [
            (K.FIELD_ADDED, Side.RESPONSE, "200", "email", None, "string", INFO),
            (K.TYPE_CHANGED, Side.RESPONSE, "200", "id", ["string"], ["integer"], B),
        ]
    )
    assert sorted((c.kind, c.path) for c in backward) == [(K.FIELD_REMOVED, "email"), (K.TYPE_CHANGED, "id")]


@pytest.mark.parametrize("union", ["anyOf", "oneOf"])
def test_union_member_field_changes(union: str) -> None:
    user = obj({"object": {"const": "user"}, "email": STRING})
    old = {union: [user, obj({"object": {"const": "service_account"}, "name": STRING})]}
    new = {union: [user, obj({"object": {"const": "service_account"}, "name": STRING, "role": STRING})]}
    forward, backward = both(old, new)
    assert facts(only(forward)) == (K.FIELD_ADDED, Side.RESPONSE, "200", "role", None, "string", INFO)
    assert facts(only(backward)) == (K.FIELD_REMOVED, Side.RESPONSE, "200", "role", "string", None, B)


def test_union_gains_a_member() -> None:
    one = obj({"object": {"const": "user"}})
    two = obj({"object": {"const": "service_account"}})
    forward, backward = both({"anyOf": [one]}, {"anyOf": [one, two]})
    # One more inline object branch (counted, though both are labelled `object`), and the value
    # that tells the new one apart.
    branch, values = sorted(forward, key=lambda c: c.path)
    assert (branch.kind, branch.path, branch.severity) == (K.UNION_MEMBER_ADDED, "", W)
    assert "an inline object" in branch.message
    assert (values.kind, values.path, values.severity) == (K.ENUM_VALUES_ADDED, "object", W)
    assert values.new == ["service_account", "user"]
    assert K.UNION_MEMBER_REMOVED in {c.kind for c in backward}


def node(value: JSONSchema) -> JSONSchema:
    return obj({"name": value, "children": array(local_ref("Node"))})


def test_recursive_schema_changed_inside_is_reported_once() -> None:
    forward, backward = both(ref("Node"), ref("Node"), {"Node": node(STRING)}, {"Node": node(INTEGER)})
    assert facts(only(forward)) == (K.TYPE_CHANGED, Side.RESPONSE, "200", "name", ["string"], ["integer"], B)
    assert facts(only(backward)) == (K.TYPE_CHANGED, Side.RESPONSE, "200", "name", ["integer"], ["string"], B)


def test_recursive_schema_below_a_list() -> None:
    forward, _ = both(
        obj({"data": array(ref("Node"))}),
        obj({"data": array(ref("Node"))}),
        {"Node": node(STRING)},
        {"Node": node({"type": ["string", "null"]})},
    )
    assert facts(only(forward)) == (K.BECAME_NULLABLE, Side.RESPONSE, "200", "data[].name", False, True, B)


def test_mutually_recursive_schemas_terminate() -> None:
    def defs(leaf: JSONSchema) -> dict[str, JSONSchema]:
        return {
            "Org": obj({"projects": array(local_ref("Project"))}),
            "Project": obj({"org": local_ref("Org"), "title": leaf}),
        }

    forward, _ = both(ref("Org"), ref("Org"), defs(STRING), defs({"type": "string", "maxLength": 5}))
    assert facts(only(forward)) == (
        K.CONSTRAINT_NARROWED,
        Side.RESPONSE,
        "200",
        "projects[].title",
        {"maxLength": None},
        {"maxLength": 5},
        INFO,
    )


def test_recursive_schema_renamed_terminates_with_only_renames() -> None:
    def tree(name: str) -> JSONSchema:
        return obj({"name": STRING, "children": array(local_ref(name))})

    forward, _ = both(ref("Node"), ref("TreeNode"), {"Node": tree("Node")}, {"TreeNode": tree("TreeNode")})
    assert forward
    assert {(c.kind, c.old, c.new) for c in forward} == {(K.SCHEMA_RENAMED, "Node", "TreeNode")}
    assert "" in {c.path for c in forward}


# --- cosmetic ----------------------------------------------------------------------------------


def test_description_change_is_hidden_unless_asked_for() -> None:
    old = obj({"id": {"type": "string", "description": "The user ID."}})
    new = obj({"id": {"type": "string", "description": "The identifier of the user."}})
    hidden, _ = both(old, new)
    assert hidden == []
    shown, back = both(old, new, include_cosmetic=True)
    assert facts(only(shown)) == (
        K.DESCRIPTION_CHANGED,
        Side.RESPONSE,
        "200",
        "id",
        "The user ID.",
        "The identifier of the user.",
        INFO,
    )
    assert only(shown).cosmetic
    assert (only(back).old, only(back).new) == ("The identifier of the user.", "The user ID.")


def test_cosmetic_changes_do_not_hide_real_ones() -> None:
    old = obj({"id": {"type": "string", "description": "a"}})
    new = obj({"id": {"type": "integer", "description": "b"}})
    hidden, _ = both(old, new)
    assert [c.kind for c in hidden] == [K.TYPE_CHANGED]
    shown, _ = both(old, new, include_cosmetic=True)
    assert sorted(c.kind for c in shown) == sorted([K.TYPE_CHANGED, K.DESCRIPTION_CHANGED])


# --- parameter schemas reach kinds RULES does not grade on the parameter side ------------------

EVENT = {"type": "string", "enum": ["a", "b"]}
PARAM_SCHEMA_CASES = {
    # `limit` of admin-api-keys-list carries a description inside its schema.
    "description": (
        (param("limit", {"type": "integer", "description": "Max."}), {}),
        (param("limit", {"type": "integer", "description": "Maximum."}), {}),
    ),
    # `event_types[]` of list-audit-logs references a named schema.
    "schema-rename": (
        (param("event_types[]", array(ref("AuditLogEventType"))), {"AuditLogEventType": EVENT}),
        (param("event_types[]", array(ref("AuditEventType"))), {"AuditEventType": EVENT}),
    ),
    # `effective_at` of list-audit-logs is an object (`effective_at[gt]=...`).
    "object-property": (
        (param("effective_at", obj({"gt": INTEGER}, [])), {}),
        (param("effective_at", obj({"gt": INTEGER, "eq": INTEGER}, [])), {}),
    ),
}


@pytest.mark.parametrize("case", list(PARAM_SCHEMA_CASES))
def test_parameter_schema_change_does_not_crash(case: str) -> None:
    (old_param, old_defs), (new_param, new_defs) = PARAM_SCHEMA_CASES[case]
    old = version("v1", [op(None, params=[old_param])], old_defs)
    new = version("v2", [op(None, params=[new_param])], new_defs)
    changes = diff(old, new)
    if case == "description":
        assert changes == []  # cosmetic, hidden by default
    else:
        assert changes and all(c.side is Side.PARAMETER for c in changes)
    assert all(c.side is Side.PARAMETER for c in diff(old, new, include_cosmetic=True))


def test_real_contract_with_a_reworded_parameter_description_can_be_diffed(store: ContractStore) -> None:
    old = store.load(store.newest())
    described = [(o, p) for o in old.operations.values() for p in o.parameters if "description" in p.schema]
    if not described:
        pytest.skip("no parameter schema with a description in the newest contract")
    operation, target = described[0]
    params = tuple(
        replace(p, schema={**p.schema, "description": "Reworded."}) if p is target else p
        for p in operation.parameters
    )
    changed = replace(operation, parameters=params)
    new = replace(old, version="reworded", operations={**old.operations, operation.id: changed})
    assert diff(old, new) == []


# --- response bodies appearing and disappearing ------------------------------------------------


def test_response_body_removed_is_reported() -> None:
    forward, backward = both(obj({"id": STRING}), None)
    assert any(c.status == "200" and c.severity is B for c in forward)
    assert any(c.status == "200" for c in backward)


# --- the result object -------------------------------------------------------------------------


def _mixed() -> VersionDiff:
    old = version("v1", [op(obj({"id": STRING, "role": {"enum": ["a"]}}), params=[param("limit")])])
    new = version(
        "v2",
        [
            op(
                obj({"id": INTEGER, "role": {"enum": ["a", "b"]}, "email": STRING}),
                params=[param("limit"), param("after")],
            ),
            op(None, op_id="delete", method="DELETE", path="/things/{id}"),
        ],
    )
    return diff_versions(old, new)


def test_summary_counts_by_kind_and_severity() -> None:
    result = _mixed()
    assert (result.old, result.new) == ("v1", "v2")
    assert result.summary() == {
        "by_kind": {
            "enum-values-added": 1,
            "field-added": 1,
            "operation-added": 1,
            "param-added": 1,
            "type-changed": 1,
        },
        "by_severity": {"breaking": 1, "warning": 1, "info": 3},
    }
    assert list(result.summary()["by_kind"]) == sorted(result.summary()["by_kind"])


def test_at_least_filters_by_rank() -> None:
    result = _mixed()
    assert [c.kind for c in result.at_least(Severity.BREAKING)] == [K.TYPE_CHANGED]
    assert sorted(c.kind for c in result.at_least(Severity.WARNING)) == sorted(
        [K.TYPE_CHANGED, K.ENUM_VALUES_ADDED]
    )
    assert result.at_least(Severity.INFO) == result.changes


def test_empty_diff_summary() -> None:
    same = version("v1", [op(obj({"id": STRING}))])
    result = diff_versions(same, same)
    assert result.changes == []
    assert result.summary() == {"by_kind": {}, "by_severity": {"breaking": 0, "warning": 0, "info": 0}}


def test_iter_changes_filters_by_kind() -> None:
    result = _mixed()
    assert [c.path for c in iter_changes(result, [K.FIELD_ADDED, K.PARAM_ADDED])] == ["after", "email"]


def test_request_enum_became_plain_string_widens_and_is_not_breaking() -> None:
    enum = {"type": "string", "enum": ["owner", "member"]}
    forward, backward = _request(obj({"role": enum}), obj({"role": STRING}))
    (change,) = forward
    assert (change.kind, change.side, change.severity) == (K.TYPE_CHANGED, Side.REQUEST, Severity.INFO)
    (narrowed,) = backward
    # Restricting a request field to an enum refuses values senders could send: breaking.
    assert (narrowed.kind, narrowed.severity) == (K.CONSTRAINT_NARROWED, Severity.BREAKING)


# --- unions by side ------------------------------------------------------------------------------

UNION_DEFS: dict[str, JSONSchema] = {
    "Cat": obj({"meow": STRING}),
    "Dog": obj({"bark": STRING}),
    "Bird": obj({"tweet": STRING}),
}


def test_a_new_named_branch_is_a_union_member_not_a_schema_rename() -> None:
    two, three = {"oneOf": [ref("Cat"), ref("Dog")]}, {"oneOf": [ref("Cat"), ref("Dog"), ref("Bird")]}
    forward, backward = both(obj({"pet": two}), obj({"pet": three}), UNION_DEFS, UNION_DEFS)
    kinds = {c.kind for c in forward}
    assert K.SCHEMA_RENAMED not in kinds
    added = only(iter_changes(VersionDiff("v1", "v2", forward), [K.UNION_MEMBER_ADDED]))
    assert (added.path, added.severity, added.new) == ("pet", W, ["Bird", "Cat", "Dog"])
    removed = only(iter_changes(VersionDiff("v2", "v1", backward), [K.UNION_MEMBER_REMOVED]))
    assert (removed.path, removed.severity) == ("pet", INFO)


def test_union_branches_in_a_request_are_graded_for_senders() -> None:
    two, three = {"oneOf": [ref("Cat"), ref("Dog")]}, {"oneOf": [ref("Cat"), ref("Dog"), ref("Bird")]}
    a = version("v1", [op(None, method="POST", body=obj({"pet": two}))], UNION_DEFS)
    b = version("v2", [op(None, method="POST", body=obj({"pet": three}))], UNION_DEFS)
    added = only(iter_changes(diff_versions(a, b), [K.UNION_MEMBER_ADDED, K.SCHEMA_RENAMED]))
    assert (added.kind, added.side, added.severity) == (K.UNION_MEMBER_ADDED, Side.REQUEST, INFO)
    removed = only(iter_changes(diff_versions(b, a), [K.UNION_MEMBER_REMOVED, K.SCHEMA_RENAMED]))
    assert (removed.kind, removed.severity) == (K.UNION_MEMBER_REMOVED, B)


def test_a_renamed_branch_stays_a_schema_rename() -> None:
    new_defs = {"Cat": UNION_DEFS["Cat"], "Doggo": UNION_DEFS["Dog"]}
    forward, _ = both(
        obj({"pet": {"oneOf": [ref("Cat"), ref("Dog")]}}),
        obj({"pet": {"oneOf": [ref("Cat"), ref("Doggo")]}}),
        UNION_DEFS,
        new_defs,
    )
    change = only(forward)
    assert (change.kind, change.old, change.new) == (K.SCHEMA_RENAMED, "Dog", "Doggo")
    assert "identical shape" in change.evidence


def test_array_parameter_becoming_one_of_string_or_array_widens_for_callers() -> None:
    before = param("ids", array(STRING))
    after = param("ids", {"oneOf": [STRING, array(STRING)]})
    a, b = version("v1", [op(None, params=[before])]), version("v2", [op(None, params=[after])])
    change = only(diff(a, b))
    assert (change.kind, change.side, change.severity) == (K.TYPE_WIDENED, Side.PARAMETER, INFO)
    back = only(diff(b, a))
    assert (back.kind, back.severity) == (K.TYPE_NARROWED, B)


@pytest.mark.parametrize(("old_pattern", "new_pattern"), [("^[a-z]+$", "^[0-9]+$"), ("^sk-", "^sk-admin-")])
def test_patterns_that_cannot_be_ordered_are_a_warning_with_the_reason(
    old_pattern: str, new_pattern: str
) -> None:
    forward, _ = _request(
        obj({"key": {"type": "string", "pattern": old_pattern}}),
        obj({"key": {"type": "string", "pattern": new_pattern}}),
    )
    change = only(forward)
    assert (change.kind, change.severity) == (K.CONSTRAINT_CHANGED, W)
    assert "cannot be compared statically" in change.message and change.evidence


def test_a_keyword_with_different_values_across_branches_is_undecided() -> None:
    old = {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 9}]}
    new = {"type": "string", "maxLength": 9}
    forward, _ = both(obj({"x": old}), obj({"x": new}))
    assert {(c.kind, c.severity) for c in forward} == {(K.CONSTRAINT_CHANGED, W)}


# --- annotations and applicators ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "became", "request_grade", "response_grade"),
    [("readOnly", K.BECAME_READ_ONLY, B, INFO), ("writeOnly", K.BECAME_WRITE_ONLY, INFO, B)],
)
def test_read_only_and_write_only_are_graded_by_who_sees_the_field(
    keyword: str, became: ChangeKind, request_grade: Severity, response_grade: Severity
) -> None:
    plain, marked = obj({"x": STRING}), obj({"x": {"type": "string", keyword: True}})
    request_forward, request_back = _request(plain, marked)
    response_forward, response_back = both(plain, marked)
    assert (only(request_forward).kind, only(request_forward).severity) == (became, request_grade)
    assert (only(response_forward).kind, only(response_forward).severity) == (became, response_grade)
    assert {(c.kind, c.severity) for c in response_back} == {(K.ACCESS_RELAXED, INFO)}
    # `x` is required: readOnly, a sender need not send it; writable again, it must (OpenAPI 3.0).
    must_send = {(K.BECAME_REQUIRED, B)} if keyword == "readOnly" else set()
    assert {(c.kind, c.severity) for c in request_back} == {(K.ACCESS_RELAXED, INFO)} | must_send


def test_schemas_under_additional_properties_are_walked_as_star() -> None:
    forward, backward = both(
        obj({"metadata": {"type": "object", "additionalProperties": STRING}}),
        obj({"metadata": {"type": "object", "additionalProperties": INTEGER}}),
    )
    assert facts(only(forward)) == (
        K.TYPE_CHANGED,
        Side.RESPONSE,
        "200",
        "metadata.*",
        ["string"],
        ["integer"],
        B,
    )
    assert only(backward).path == "metadata.*"


def test_additional_properties_schema_dropped_to_false_narrows() -> None:
    forward, _ = _request(
        obj({"m": {"type": "object", "additionalProperties": STRING}}),
        obj({"m": {"type": "object", "additionalProperties": False}}),
    )
    narrowed = [c for c in forward if c.kind is K.CONSTRAINT_NARROWED]
    assert [(c.path, c.severity) for c in narrowed] == [("m", B)]
    assert {c.path for c in forward} == {"m", "m.*"}  # the value schema went with it


def test_an_unrelated_enum_value_is_not_a_rename() -> None:
    forward, _ = both({"enum": ["cancelled", "active"]}, {"enum": ["expired", "active"]})
    assert sorted(c.kind for c in forward) == [K.ENUM_VALUES_ADDED, K.ENUM_VALUES_REMOVED]


def test_an_enum_value_spelling_change_carries_evidence() -> None:
    forward, _ = both({"enum": ["in_progress", "done"]}, {"enum": ["inProgress", "done"]})
    change = only(forward)
    assert (change.kind, change.old, change.new) == (K.ENUM_VALUE_RENAMED, "in_progress", "inProgress")
    assert change.confidence is not None and change.confidence >= 0.75 and change.evidence


def test_a_bound_given_by_only_some_union_branches_is_undecided_not_narrowed() -> None:
    """A new tool type whose `name` has minLength 1 does not bound the `name` of the other tool types."""
    plain = obj({"type": {"const": "function"}, "name": STRING})
    bounded = obj({"type": {"const": "custom"}, "name": {"type": "string", "minLength": 1}})
    forward, _ = _request(
        obj({"tools": array({"anyOf": [plain]})}), obj({"tools": array({"anyOf": [plain, bounded]})})
    )
    bound = only([c for c in forward if c.path == "tools[].name"])
    assert (bound.kind, bound.severity) == (K.CONSTRAINT_CHANGED, W)
    assert "only some oneOf/anyOf branches" in bound.message
    # Bounding every branch is a narrowing again.
    both_bounded = obj({"type": {"const": "function"}, "name": {"type": "string", "minLength": 1}})
    forward, _ = _request(
        obj({"tools": array({"anyOf": [plain]})}), obj({"tools": array({"anyOf": [both_bounded]})})
    )
    assert [(c.kind, c.severity) for c in forward] == [(K.CONSTRAINT_NARROWED, B)]


def test_a_nullable_bound_field_is_bounded_the_null_branch_lacks_no_bound() -> None:
    forward, _ = _request(
        obj({"x": {"anyOf": [STRING, {"type": "null"}]}}),
        obj({"x": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}]}}),
    )
    assert [(c.kind, c.severity) for c in forward] == [(K.CONSTRAINT_NARROWED, B)]


@pytest.mark.parametrize(
    ("side", "added", "removed"),
    [(Side.RESPONSE, INFO, W), (Side.REQUEST, W, INFO), (Side.PARAMETER, W, INFO)],
)
def test_allof_parts_added_and_removed_are_graded_by_side(
    side: Side, added: Severity, removed: Severity
) -> None:
    defs = {
        "Base": obj({"id": STRING}),
        "Audit": obj({"at": INTEGER}, required=[]),
        "Extra": obj({}, required=[]),
    }
    two = {"allOf": [ref("Base"), ref("Extra")]}
    three = {"allOf": [ref("Base"), ref("Extra"), ref("Audit")]}
    old, new = _side_versions(side, two, "v1", defs), _side_versions(side, three, "v2", defs)
    forward = {c.kind: c for c in diff(old, new)}
    assert K.SCHEMA_RENAMED not in forward
    assert (forward[K.ALLOF_PART_ADDED].severity, forward[K.ALLOF_PART_ADDED].new) == (
        added,
        ["Audit", "Base", "Extra"],
    )
    assert forward[K.FIELD_ADDED].path.endswith("at")  # the part's field, compared one by one as well
    backward = {c.kind: c for c in diff(new, old)}
    assert backward[K.ALLOF_PART_REMOVED].severity is removed
