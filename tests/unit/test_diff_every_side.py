"""Every schema-field rule of the registry, on every side it is declared for (response, request
body, object-valued parameter, webhook payload), in both directions: one small field change per kind,
placed on each side, must produce that kind there with the severity the registry gives it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from test_diff import op, param, ref, version

from apidrift.contracts.model import ContractVersion, JSONSchema
from apidrift.diff.changes import Change, ChangeKind, Side
from apidrift.diff.engine import diff_versions
from apidrift.diff.registry import RULES
from apidrift.diff.rules.discriminator import KEY

K = ChangeKind
S: JSONSchema = {"type": "string"}
NAMED: JSONSchema = {"type": "object", "properties": {"a": S}, "required": ["a"]}
OTHER: JSONSchema = {"type": "object", "properties": {"b": S}, "required": ["b"]}
THIRD: JSONSchema = {"type": "object", "properties": {"c": S}, "required": ["c"]}
FIELD_SIDES = (Side.RESPONSE, Side.REQUEST, Side.PARAMETER, Side.WEBHOOK)
FIELD_FAMILIES = {
    "schema fields",
    "schema keywords",
    "schema annotations",
    "composition",
    "lifecycle",
    "discriminators",
}
DEFS = {"A": NAMED, "B": OTHER, "C": THIRD, "Old": NAMED, "New": NAMED}


def field(schema: JSONSchema) -> dict[str, JSONSchema]:
    return {"id": S, "f": schema}


def picked(discriminator: JSONSchema | None) -> JSONSchema:
    """A union of A and B, told apart by `discriminator` when one is given (as the importer keeps it)."""
    union: JSONSchema = {"oneOf": [ref("A"), ref("B")]}
    return {**union, KEY: discriminator} if discriminator else union


# kind: (old properties, new properties, old required, new required, the kind the reverse diff gives)
Case = tuple[dict[str, JSONSchema], dict[str, JSONSchema], list[str], list[str], ChangeKind]
CASES: dict[ChangeKind, Case] = {
    K.FIELD_ADDED: ({"id": S}, field(S), ["id"], ["id"], K.FIELD_REMOVED),
    K.FIELD_RENAMED: ({"id": S, "user_name": S}, {"id": S, "username": S}, ["id"], ["id"], K.FIELD_RENAMED),
    K.BECAME_REQUIRED: (field(S), field(S), ["id"], ["id", "f"], K.BECAME_OPTIONAL),
    K.BECAME_NULLABLE: (field(S), field({"type": ["string", "null"]}), [], [], K.BECAME_NON_NULLABLE),
    K.TYPE_CHANGED: (field(S), field({"type": "boolean"}), [], [], K.TYPE_CHANGED),
    K.TYPE_WIDENED: (field({"type": "integer"}), field({"type": "number"}), [], [], K.TYPE_NARROWED),
    K.ENUM_VALUES_ADDED: (
        field({"type": "string", "enum": ["a"]}),
        field({"type": "string", "enum": ["a", "b"]}),
        [],
        [],
        K.ENUM_VALUES_REMOVED,
    ),
    K.ENUM_VALUE_RENAMED: (
        field({"type": "string", "enum": ["a", "in_progress"]}),
        field({"type": "string", "enum": ["a", "in-progress"]}),
        [],
        [],
        K.ENUM_VALUE_RENAMED,
    ),
    K.CONSTRAINT_NARROWED: (
        field({"type": "string", "maxLength": 10}),
        field({"type": "string", "maxLength": 5}),
        [],
        [],
        K.CONSTRAINT_WIDENED,
    ),
    K.CONSTRAINT_CHANGED: (
        field({"type": "string", "pattern": "^a"}),
        field({"type": "string", "pattern": "^b"}),
        [],
        [],
        K.CONSTRAINT_CHANGED,
    ),
    K.CONSTRAINT_REPLACED: (
        field({"type": "string", "format": "date"}),
        field({"type": "string", "format": "uuid"}),
        [],
        [],
        K.CONSTRAINT_REPLACED,
    ),
    K.DEFAULT_CHANGED: (
        field({"type": "string", "default": "a"}),
        field({"type": "string", "default": "b"}),
        [],
        [],
        K.DEFAULT_CHANGED,
    ),
    K.BECAME_READ_ONLY: (field(S), field({"type": "string", "readOnly": True}), [], [], K.ACCESS_RELAXED),
    K.BECAME_WRITE_ONLY: (field(S), field({"type": "string", "writeOnly": True}), [], [], K.ACCESS_RELAXED),
    K.EXTENSIBLE_ENUM_VALUES_ADDED: (
        field({"type": "string", "x-extensible-enum": ["a"]}),
        field({"type": "string", "x-extensible-enum": ["a", "b"]}),
        [],
        [],
        K.EXTENSIBLE_ENUM_VALUES_REMOVED,
    ),
    K.FIELD_DEPRECATED: (
        field(S),
        field({"type": "string", "deprecated": True}),
        [],
        [],
        K.FIELD_UNDEPRECATED,
    ),
    K.SUNSET_CHANGED: (  # moved earlier: notice taken away (later, the reverse, is info)
        field({"type": "string", "x-sunset": "2027-06-01"}),
        field({"type": "string", "x-sunset": "2027-01-01"}),
        [],
        [],
        K.SUNSET_CHANGED,
    ),
    K.DEPRECATED_FIELD_REMOVED: (
        field({"type": "string", "deprecated": True}),
        {"id": S},
        [],
        [],
        K.FIELD_ADDED,
    ),
    K.DESCRIPTION_CHANGED: (
        field({"type": "string", "description": "a"}),
        field({"type": "string", "description": "b"}),
        [],
        [],
        K.DESCRIPTION_CHANGED,
    ),
    K.UNION_MEMBER_ADDED: (
        field({"oneOf": [ref("A"), ref("B")]}),
        field({"oneOf": [ref("A"), ref("B"), ref("C")]}),
        [],
        [],
        K.UNION_MEMBER_REMOVED,
    ),
    K.ALLOF_PART_ADDED: (
        field({"allOf": [ref("A")]}),
        field({"allOf": [ref("A"), ref("B")]}),
        [],
        [],
        K.ALLOF_PART_REMOVED,
    ),
    K.SCHEMA_RENAMED: (field(ref("Old")), field(ref("New")), [], [], K.SCHEMA_RENAMED),
    K.DISCRIMINATOR_ADDED: (
        field(picked(None)),
        field(picked({"propertyName": "kind"})),
        [],
        [],
        K.DISCRIMINATOR_REMOVED,
    ),
    K.DISCRIMINATOR_CHANGED: (
        field(picked({"propertyName": "kind"})),
        field(picked({"propertyName": "type"})),
        [],
        [],
        K.DISCRIMINATOR_CHANGED,
    ),
    K.DISCRIMINATOR_VALUES_ADDED: (
        field(picked({"propertyName": "kind", "mapping": {"a": "#/components/schemas/A"}})),
        field(
            picked(
                {
                    "propertyName": "kind",
                    "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"},
                }
            )
        ),
        [],
        [],
        K.DISCRIMINATOR_VALUES_REMOVED,
    ),
}
# Each kind, and the case (and its direction) that gives it.
GIVES: dict[ChangeKind, tuple[ChangeKind, bool]] = {
    **{case[4]: (kind, False) for kind, case in CASES.items()},
    **{kind: (kind, True) for kind in CASES},
}


def on(
    side: Side, properties: dict[str, JSONSchema], required: list[str], defs: dict[str, JSONSchema] = DEFS
) -> ContractVersion:
    """A version whose one operation (or webhook) has this object schema on `side`."""
    schema: JSONSchema = {"type": "object", "properties": properties, "required": required}
    plain: JSONSchema = {"type": "object", "properties": {"id": S}}
    if side is Side.WEBHOOK:
        hook = op(None, op_id="hook.done", method="POST", path="hook.done", body=schema)
        return replace(version("v", [], defs), webhooks={"hook.done": hook})
    operation = {
        Side.RESPONSE: lambda: op(schema),
        Side.REQUEST: lambda: op(plain, body=schema, method="POST"),
        Side.PARAMETER: lambda: op(plain, params=[param("q", schema)]),
    }[side]()
    return version("v", [operation], defs)


def changes(kind: ChangeKind, side: Side, forward: bool) -> list[Change]:
    old, new, old_required, new_required, _ = CASES[kind]
    a, b = on(side, old, old_required), on(side, new, new_required)
    found = diff_versions(*((a, b) if forward else (b, a)), include_cosmetic=True).changes
    return [c for c in found if c.side is side]


def _field_rules() -> list[Any]:
    return [
        pytest.param(kind, side, id=f"{kind.value}@{side.value}")
        for (kind, side), rule in RULES.items()
        if side in FIELD_SIDES and rule.family in FIELD_FAMILIES and kind in GIVES
    ]


@pytest.mark.parametrize(("kind", "side"), _field_rules())
def test_each_field_rule_fires_on_its_side_with_its_severity(kind: ChangeKind, side: Side) -> None:
    case, forward = GIVES[kind]
    found = [c for c in changes(case, side, forward) if c.kind is kind]
    assert found, f"{kind.value} not found on the {side.value} side"
    rule = RULES[(kind, side)]
    assert {c.severity for c in found} <= {rule.severity, rule.if_required}


def _graded_both_ways() -> list[Any]:
    """(kind, side) where the kind and its inverse both have a rule (read-only and write-only, for
    instance, mean nothing for a parameter)."""
    return [
        pytest.param(kind, side, id=f"{kind.value}@{side.value}")
        for kind in CASES
        for side in FIELD_SIDES
        if (kind, side) in RULES and (CASES[kind][4], side) in RULES
    ]


@pytest.mark.parametrize(("kind", "side"), _graded_both_ways())
def test_each_case_changes_something_both_ways(kind: ChangeKind, side: Side) -> None:
    """a->b and b->a both report the change, as the kind and its inverse."""
    inverse = CASES[kind][4]
    assert kind in {c.kind for c in changes(kind, side, True)}
    assert inverse in {c.kind for c in changes(kind, side, False)}


def test_the_table_covers_every_field_rule_on_every_side() -> None:
    """A new field-level rule needs a case here: otherwise it is on no side proved to fire."""
    declared = {
        (kind, side)
        for (kind, side), rule in RULES.items()
        if side in FIELD_SIDES and rule.family in FIELD_FAMILIES and not kind.value.startswith("param-")
    }
    declared -= {(K.DEPRECATED_PARAM_REMOVED, Side.PARAMETER)}  # a parameter's, in test_diff_lifecycle.py
    assert {(kind, side) for (kind, side) in declared if kind not in GIVES} == set()


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_an_inline_object_branch_is_a_union_member_on_every_side(side: Side) -> None:
    """Every inline object branch is labelled `object`: one more is counted as a branch added (its
    fields are the branch's, not fields added to a value that still comes), one fewer as removed."""
    a, b = on(side, field({"oneOf": [NAMED]}), []), on(side, field({"oneOf": [NAMED, OTHER]}), [])
    forward = [c for c in diff_versions(a, b).changes if c.side is side]
    backward = [c for c in diff_versions(b, a).changes if c.side is side]
    where = "q.f" if side is Side.PARAMETER else "f"
    assert [(c.kind, c.path) for c in forward] == [(K.UNION_MEMBER_ADDED, where)]
    assert [(c.kind, c.path) for c in backward] == [(K.UNION_MEMBER_REMOVED, where)]
    assert forward[0].severity is RULES[(K.UNION_MEMBER_ADDED, side)].severity
    assert backward[0].severity is RULES[(K.UNION_MEMBER_REMOVED, side)].severity


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_an_inline_branch_swapped_for_an_unrelated_named_one_is_one_removed_and_one_added(side: Side) -> None:
    """`oneOf: [string, {a}]` to `oneOf: [string, $ref B]` where B holds `b`: a branch went and another
    came (graded by side), not the field `a` removed from a value that still comes."""
    a = on(side, field({"oneOf": [S, NAMED]}), [])
    b = on(side, field({"oneOf": [S, ref("B")]}), [])
    where = "q.f" if side is Side.PARAMETER else "f"
    for old, new, came, went in ((a, b, "B", "an inline object"), (b, a, "an inline object", "B")):
        found = [c for c in diff_versions(old, new).changes if c.side is side]
        assert sorted((c.kind, c.path) for c in found) == [
            (K.UNION_MEMBER_ADDED, where),
            (K.UNION_MEMBER_REMOVED, where),
        ], found
        by_kind = {c.kind: c for c in found}
        assert (
            came in by_kind[K.UNION_MEMBER_ADDED].message and went in by_kind[K.UNION_MEMBER_REMOVED].message
        )
        assert by_kind[K.UNION_MEMBER_REMOVED].severity is RULES[(K.UNION_MEMBER_REMOVED, side)].severity


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_an_inline_branch_given_a_name_even_a_level_down_is_no_branch_change(side: Side) -> None:
    """`oneOf: [string, {a}]` to `oneOf: [string, $ref U]` where U is `oneOf: [A, C]` and A holds `a`:
    the inline branch was given a name below a new union (as generators refactor), not removed."""
    defs = {**DEFS, "U": {"oneOf": [ref("A"), ref("C")]}}
    a = on(side, field({"oneOf": [S, NAMED]}), [])
    b = on(side, field({"oneOf": [S, ref("U")]}), [], defs)
    found = [c for c in diff_versions(a, b).changes if c.side is side]
    assert K.UNION_MEMBER_REMOVED not in {c.kind for c in found} and K.FIELD_REMOVED not in {
        c.kind for c in found
    }
    assert [c.kind for c in found if c.kind is K.UNION_MEMBER_ADDED] == [K.UNION_MEMBER_ADDED]  # U came
