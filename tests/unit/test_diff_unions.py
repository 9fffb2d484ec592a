"""Union branches that came or went, a level down included: one change each (`union-member-added` or
`-removed`, graded by side), never also the discriminator's values, the branch's fields or a rename."""

from __future__ import annotations

from typing import Any

import pytest
from test_diff import ref
from test_diff_every_side import FIELD_SIDES, field
from test_diff_every_side import on as on_every_side

from apidrift.contracts.model import ContractVersion, JSONSchema
from apidrift.diff.changes import Change, ChangeKind, Side
from apidrift.diff.engine import diff_versions
from apidrift.diff.registry import RULES

K = ChangeKind
S: JSONSchema = {"type": "string"}


def event(kind: str, **extra: JSONSchema) -> JSONSchema:
    """A branch told apart by its `type` constant, with fields of its own."""
    properties = {"type": {"type": "string", "const": kind}, "id": S, **extra}
    return {"type": "object", "properties": properties, "required": ["type", "id"]}


def on(side: Side, union: JSONSchema, defs: dict[str, JSONSchema]) -> ContractVersion:
    """A version whose schema on `side` holds `id` and the field `f`, the union."""
    return on_every_side(side, field(union), ["id"], defs)


def found(old: ContractVersion, new: ContractVersion, side: Side) -> list[Change]:
    return [c for c in diff_versions(old, new).changes if c.side is side]


def kinds(changes: list[Change]) -> list[tuple[ChangeKind, str]]:
    return sorted((c.kind, c.path) for c in changes)


def where(side: Side) -> str:
    return "q.f" if side is Side.PARAMETER else "f"


BASE = {"Created": event("created"), "Deleted": event("deleted")}
UNION: JSONSchema = {"oneOf": [ref("Created"), ref("Deleted")], "discriminator": {"propertyName": "type"}}


def _both_ways(side: Side, old: ContractVersion, new: ContractVersion, named: str) -> None:
    forward, backward = found(old, new, side), found(new, old, side)
    assert kinds(forward) == [(K.UNION_MEMBER_ADDED, where(side))], forward
    assert kinds(backward) == [(K.UNION_MEMBER_REMOVED, where(side))], backward
    assert named in forward[0].message and named in backward[0].message
    assert forward[0].severity is RULES[(K.UNION_MEMBER_ADDED, side)].severity
    assert backward[0].severity is RULES[(K.UNION_MEMBER_REMOVED, side)].severity


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_a_new_discriminated_branch_is_one_change_not_also_new_discriminator_values(side: Side) -> None:
    defs = {**BASE, "Archived": event("archived", reason=S)}
    grown = {**UNION, "oneOf": [*UNION["oneOf"], ref("Archived")]}
    _both_ways(side, on(side, UNION, BASE), on(side, grown, defs), "Archived")


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_a_new_branch_that_is_a_union_itself_brings_its_branches_with_it(side: Side) -> None:
    """`Lifecycle: oneOf [Archived, Restored]` as a new branch: its branches' fields and constants are
    its own, and their names are not the old union's renamed."""
    defs = {
        **BASE,
        "Archived": event("archived", reason=S),
        "Restored": event("restored", by=S),
        "Lifecycle": {"oneOf": [ref("Archived"), ref("Restored")]},
    }
    grown = {**UNION, "oneOf": [*UNION["oneOf"], ref("Lifecycle")]}
    _both_ways(side, on(side, UNION, BASE), on(side, grown, defs), "Lifecycle")


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_a_branch_of_a_branch_both_have_is_the_fields_own_branch(side: Side) -> None:
    """`Lifecycle` in both versions gains `Restored`: the field may now also be a Restored."""
    before = {**BASE, "Archived": event("archived"), "Lifecycle": {"oneOf": [ref("Archived")]}}
    after = {
        **before,
        "Restored": event("restored", by=S),
        "Lifecycle": {"oneOf": [ref("Archived"), ref("Restored")]},
    }
    union = {**UNION, "oneOf": [*UNION["oneOf"], ref("Lifecycle")]}
    _both_ways(side, on(side, union, before), on(side, union, after), "Restored")


def test_values_a_kept_branch_gained_with_the_new_one_are_still_reported() -> None:
    """Only the new branch's constant is its own: a value an old branch gained is an enum change."""
    created = event("created")
    created["properties"]["type"] = {"enum": ["created", "made"]}
    defs = {"Created": created, "Deleted": event("deleted"), "Archived": event("archived")}
    grown = {**UNION, "oneOf": [*UNION["oneOf"], ref("Archived")]}
    changes = found(on(Side.RESPONSE, UNION, BASE), on(Side.RESPONSE, grown, defs), Side.RESPONSE)
    assert kinds(changes) == [(K.ENUM_VALUES_ADDED, "f.type"), (K.UNION_MEMBER_ADDED, "f")]
    enum = next(c for c in changes if c.kind is K.ENUM_VALUES_ADDED)
    assert "made" in enum.message and "archived" not in enum.message


def test_an_inline_object_branch_may_give_any_value_so_none_is_the_new_branchs() -> None:
    inline: dict[str, Any] = {"type": "object", "properties": {"type": {"enum": ["other"]}}}
    union = {"oneOf": [ref("Created"), inline]}
    defs = {**BASE, "Archived": event("archived")}
    grown = {"oneOf": [ref("Created"), inline, ref("Archived")]}
    changes = found(on(Side.RESPONSE, union, BASE), on(Side.RESPONSE, grown, defs), Side.RESPONSE)
    assert (K.UNION_MEMBER_ADDED, "f") in kinds(changes)
    assert (K.ENUM_VALUES_ADDED, "f.type") in kinds(changes)


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_the_items_or_fields_of_a_type_that_came_are_that_types_not_fields_added(side: Side) -> None:
    """`f: string` to `oneOf: [string, array of string, {id}]`: senders may still send a string, so the
    array's items and the object's `id` (required in it) are neither required fields added nor, the
    other way, fields readers lose; the type change says it once."""
    record: JSONSchema = {"type": "object", "properties": {"id": S}, "required": ["id"]}
    widened: JSONSchema = {"oneOf": [S, {"type": "array", "items": S}, record]}
    a, b = on(side, S, {}), on(side, widened, {})
    for old, new in ((a, b), (b, a)):
        changes = found(old, new, side)
        allowed = {K.TYPE_WIDENED, K.TYPE_NARROWED, K.UNION_MEMBER_ADDED, K.UNION_MEMBER_REMOVED}
        assert {c.kind for c in changes} <= allowed
        assert {c.path for c in changes} == {where(side)}, changes


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_a_bound_of_a_type_one_side_does_not_admit_is_the_type_changes(side: Side) -> None:
    """`voice: string` to `oneOf: [string, {id}, additionalProperties: false]`: no old value was an
    object, so the closed object refuses none of them (was reported as a breaking narrowing)."""
    record: JSONSchema = {"type": "object", "properties": {"id": S}, "additionalProperties": False}
    a, b = on(side, S, {}), on(side, {"oneOf": [S, record]}, {})
    for old, new in ((a, b), (b, a)):
        assert {c.kind for c in found(old, new, side)} <= {K.TYPE_WIDENED, K.TYPE_NARROWED}
    short: JSONSchema = {"type": "string", "maxLength": 4}
    changes = found(on(side, short, {}), on(side, {"type": "integer", "maximum": 9}, {}), side)
    assert [c.kind for c in changes] == [K.TYPE_CHANGED]


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_the_fields_below_a_new_branchs_own_field_are_the_branchs(side: Side) -> None:
    """A new `Shell` item whose `action` (a field the old `Click` item has too) is an `Exec` with a
    required `command`: `action.command` comes with the new branch, never as a required field added
    to the old items' `action` (that graded every old sender broken)."""
    click = event("click", action={"type": "object", "properties": {"x": S}})
    exec_: JSONSchema = {"type": "object", "properties": {"command": S}, "required": ["command"]}
    shell = event("shell", action=ref("Exec"))
    old = on(side, {"oneOf": [ref("Click")]}, {"Click": click})
    new = on(side, {"oneOf": [ref("Click"), ref("Shell")]}, {"Click": click, "Shell": shell, "Exec": exec_})
    forward, backward = found(old, new, side), found(new, old, side)
    assert not [c for c in forward + backward if c.kind in (K.FIELD_ADDED, K.FIELD_REMOVED)], (
        forward + backward
    )
    assert (K.UNION_MEMBER_ADDED, where(side)) in kinds(forward)
    assert (K.UNION_MEMBER_REMOVED, where(side)) in kinds(backward)


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_a_field_added_to_a_renamed_branch_is_still_a_field_added(side: Side) -> None:
    def with_meta(kind: str, **more: JSONSchema) -> JSONSchema:
        branch = event(kind)
        branch["properties"]["meta"] = {"type": "object", "properties": {"a": S, **more}}
        return branch

    old = on(side, UNION, {"Created": with_meta("created"), "Deleted": with_meta("deleted")})
    renamed = {"oneOf": [ref("CreatedEvent"), ref("DeletedEvent")]}
    defs = {"CreatedEvent": with_meta("created", b=S, c=S), "DeletedEvent": with_meta("deleted")}
    changes = found(old, on(side, renamed, defs), side)
    prefix = "q.f" if side is Side.PARAMETER else "f"
    assert {c.path for c in changes if c.kind is K.FIELD_ADDED} == {f"{prefix}.meta.b", f"{prefix}.meta.c"}
    assert len([c for c in changes if c.kind is K.SCHEMA_RENAMED]) == 2


def test_branches_with_the_same_discriminating_constant_are_one_branch_renamed() -> None:
    """`Created` became `ThingMadeEvent` (no likeness of name) with the same `type: created` and one
    more field: a rename with that evidence, and the field added to it, not a branch swapped."""
    old = on(Side.RESPONSE, UNION, BASE)
    union = {**UNION, "oneOf": [ref("ThingMadeEvent"), ref("Deleted")]}
    new = on(Side.RESPONSE, union, {"ThingMadeEvent": event("created", size=S), "Deleted": BASE["Deleted"]})
    changes = found(old, new, Side.RESPONSE)
    assert kinds(changes) == [(K.FIELD_ADDED, "f.size"), (K.SCHEMA_RENAMED, "f")], changes
    renamed = next(c for c in changes if c.kind is K.SCHEMA_RENAMED)
    assert (renamed.old, renamed.new) == ("Created", "ThingMadeEvent")
    assert "same type 'created'" in renamed.evidence


def test_a_large_union_renamed_whole_is_paired_by_its_constants() -> None:
    """60 branches renamed at once (3,600 name pairs, past what is weighed pair by pair): each is
    still found by its `type` value through an index, never by comparing every name with every other."""
    n = 60
    old = on(
        Side.RESPONSE,
        {"oneOf": [ref(f"Old{i}") for i in range(n)]},
        {f"Old{i}": event(f"k{i}") for i in range(n)},
    )
    union = {"oneOf": [ref(f"Renamed{i}") for i in range(n)]}
    new = on(Side.RESPONSE, union, {f"Renamed{i}": event(f"k{i}", extra=S) for i in range(n)})
    changes = found(old, new, Side.RESPONSE)
    renamed = {(c.old, c.new) for c in changes if c.kind is K.SCHEMA_RENAMED}
    assert renamed == {(f"Old{i}", f"Renamed{i}") for i in range(n)}
    assert [c.path for c in changes if c.kind is K.FIELD_ADDED] == ["f.extra"]


def test_a_constant_a_renamed_branch_changed_is_the_fields_change() -> None:
    """`Created` renamed `CreatedEvent` whose `type` became `made`: a rename, and the values changed."""
    union = {**UNION, "oneOf": [ref("CreatedEvent"), ref("Deleted")]}
    defs = {"CreatedEvent": event("made"), "Deleted": BASE["Deleted"]}
    changes = found(on(Side.RESPONSE, UNION, BASE), on(Side.RESPONSE, union, defs), Side.RESPONSE)
    assert (K.SCHEMA_RENAMED, "f") in kinds(changes)
    assert {(K.ENUM_VALUES_ADDED, "f.type"), (K.ENUM_VALUES_REMOVED, "f.type")} <= set(kinds(changes)), (
        changes
    )


@pytest.mark.parametrize("side", FIELD_SIDES)
def test_a_discriminator_on_a_union_that_is_itself_a_branch_is_seen(side: Side) -> None:
    # 3.1 spells a nullable discriminated union `anyOf: [{oneOf: [...], discriminator}, {type: null}]`:
    # the discriminator belongs to the inner union, a branch of the field's own.
    plain = {"anyOf": [{"oneOf": [ref("Created"), ref("Deleted")]}, {"type": "null"}]}
    union = {"oneOf": [ref("Created"), ref("Deleted")], "x-discriminator": {"propertyName": "type"}}
    named = {"anyOf": [union, {"type": "null"}]}  # as the importer keeps a discriminator
    old, new = on(side, plain, BASE), on(side, named, BASE)
    assert kinds(found(old, new, side)) == [(K.DISCRIMINATOR_ADDED, where(side))]
    assert kinds(found(new, old, side)) == [(K.DISCRIMINATOR_REMOVED, where(side))]
    assert found(new, on(side, named, BASE), side) == []
