"""Rehearsal plans and their application, on small hand-written version pairs: each reader-breaking
kind is placed (the body stays valid in the new version and the old one refuses it there) or listed
with the reason it cannot be; and a property: every rehearsed body validates against the new version."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.contracts.operations import Header, Operation, ResponseSpec
from apidrift.diff.changes import ChangeKind, Severity, Side
from apidrift.diff.registry import RULES
from apidrift.generate.strategies import from_schema
from apidrift.simulator.rehearse import Action, alternatives, apply, coverage, plan_rehearsal, turns_needed

K = ChangeKind
OP = "get-thing"


def version(
    label: str,
    schema: dict[str, Any],
    schemas: dict[str, Any] | None = None,
    *,
    statuses: tuple[str, ...] = (),
    headers: dict[str, Header] | None = None,
) -> ContractVersion:
    responses = {"200": ResponseSpec("200", "ok", schema, headers=headers or {})}
    responses |= {s: ResponseSpec(s, "more", {"type": "object"}) for s in statuses}
    op = Operation(OP, "GET", "/things/{thing_id}", "", (), None, responses)
    return ContractVersion("rehearse-test", label, None, "", (), {OP: op}, schemas or {})


def thing(properties: dict[str, Any], required: tuple[str, ...] = ("id",), **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required), **extra}


ID = {"id": {"type": "string"}}


def rehearsed(old: ContractVersion, new: ContractVersion, body: Any, variant: int = 0) -> Any:
    """`body` rehearsed; asserts it is still valid in `new` (and was to begin with)."""
    checker = ResponseValidator(new)
    assert checker.is_valid(OP, 200, body)
    out = apply(plan_rehearsal(new, old), OP, 200, body, variant=variant)
    assert checker.is_valid(OP, 200, out), checker.violations(OP, 200, out)
    return out


def refused_by_old(old: ContractVersion, body: Any) -> set[str]:
    return {v.field for v in ResponseValidator(old).violations(OP, 200, body)}


def test_a_renamed_field_is_absent_under_its_old_name_and_present_under_the_new() -> None:
    old = version("a", thing({**ID, "result": {"type": "array"}}, ("id", "result")))
    new = version("b", thing({**ID, "results": {"type": "array"}}, ("id", "results")))
    (placement,) = plan_rehearsal(new, old).placements[(OP, "200")]
    assert (placement.kind, placement.path, placement.action) == (K.FIELD_RENAMED, "result", Action.OMIT)
    body = rehearsed(old, new, {"id": "t", "results": [1], "result": [1]})  # an open object may have both
    assert body == {"id": "t", "results": [1]}
    assert refused_by_old(old, body) == {"result"}


def test_a_removed_field_is_left_out_of_every_item() -> None:
    item = thing({**ID, "legacy": {"type": "string"}}, ("id", "legacy"))
    old = version("a", thing({"data": {"type": "array", "items": item}}, ("data",)))
    new = version("b", thing({"data": {"type": "array", "items": thing(ID)}}, ("data",)))
    body = rehearsed(old, new, {"data": [{"id": "1", "legacy": "x"}, {"id": "2", "legacy": "y"}]})
    assert body == {"data": [{"id": "1"}, {"id": "2"}]}
    assert refused_by_old(old, body) == {"data[].legacy"}


def test_a_field_no_longer_required_is_left_out() -> None:
    old = version("a", thing({**ID, "name": {"type": "string"}}, ("id", "name")))
    new = version("b", thing({**ID, "name": {"type": "string"}}))
    (placement,) = plan_rehearsal(new, old).placements[(OP, "200")]
    assert placement.kind is K.BECAME_OPTIONAL and placement.refused_by_old
    body = rehearsed(old, new, {"id": "t", "name": "n"})
    assert body == {"id": "t"} and refused_by_old(old, body) == {"name"}


@pytest.mark.parametrize(
    ("before", "after", "kind", "check"),
    [
        ({"type": "integer"}, {"type": "number"}, K.TYPE_WIDENED, lambda v: not float(v).is_integer()),
        ({"type": "string"}, {"type": "integer"}, K.TYPE_CHANGED, lambda v: isinstance(v, int)),
        ({"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["a", "b", "c"]},
         K.ENUM_VALUES_ADDED, lambda v: v == "c"),
        ({"type": "string", "enum": ["a", "b"]}, {"type": "string"}, K.TYPE_CHANGED, lambda v: v not in "ab"),
        ({"type": "string"}, {"type": ["string", "null"]}, K.BECAME_NULLABLE, lambda v: v is None),
        ({"type": "string", "maxLength": 3}, {"type": "string", "maxLength": 10}, K.CONSTRAINT_WIDENED,
         lambda v: 3 < len(v) <= 10),
        ({"type": "integer", "maximum": 10}, {"type": "integer"}, K.CONSTRAINT_WIDENED, lambda v: v > 10),
    ],
)  # fmt: skip
def test_a_value_the_new_schema_admits_and_the_old_refuses_is_placed(
    before: dict[str, Any], after: dict[str, Any], kind: ChangeKind, check: Any
) -> None:
    old = version("a", thing({**ID, "v": before}, ("id", "v")))
    new = version("b", thing({**ID, "v": after}, ("id", "v")))
    (placement,) = plan_rehearsal(new, old).placements[(OP, "200")]
    assert (placement.kind, placement.path, placement.action) == (kind, "v", Action.SET)
    body = rehearsed(old, new, {"id": "t", "v": "a" if "string" in str(after["type"]) else 1})
    assert check(body["v"]), body
    assert refused_by_old(old, body) == {"v"}


def test_a_new_union_branch_is_met_in_the_field() -> None:
    cat = thing({"kind": {"const": "cat"}, "purrs": {"type": "boolean"}}, ("kind", "purrs"))
    dog = thing({"kind": {"const": "dog"}, "barks": {"type": "boolean"}}, ("kind", "barks"))
    ref = "schemas.json#/$defs/"
    old = version("a", thing({**ID, "pet": {"oneOf": [{"$ref": ref + "Cat"}]}}), {"Cat": cat, "Dog": dog})
    union = {"oneOf": [{"$ref": ref + "Cat"}, {"$ref": ref + "Dog"}]}
    new = version("b", thing({**ID, "pet": union}), {"Cat": cat, "Dog": dog})
    placed = {(p.kind, p.path) for p in plan_rehearsal(new, old).placements[(OP, "200")]}
    # The discriminating const the new branch brings is the branch's: one change, not also `pet.kind`.
    assert placed == {(K.UNION_MEMBER_ADDED, "pet")}
    body = rehearsed(old, new, {"id": "t", "pet": {"kind": "cat", "purrs": True}})
    assert body["pet"] == {"kind": "dog", "barks": False}
    assert refused_by_old(old, body) & {"pet", "pet.kind", "pet.purrs"}


def test_a_status_a_header_and_a_media_type_are_listed_as_not_rehearsable_with_the_reason() -> None:
    old_headers = {"x-request-id": Header("x-request-id", True, {"type": "string"})}
    old = version("a", thing(ID), headers=old_headers)
    old = _with_media(old, {"text/csv": {"type": "string"}})
    new = version("b", thing(ID), statuses=("202",))
    plan = plan_rehearsal(new, old)
    assert plan.placements == {}
    reasons = {(n.kind, n.status): n.reason for n in plan.not_rehearsed}
    assert set(reasons) == {(K.STATUS_ADDED, "202"), (K.HEADER_REMOVED, "200"), (K.MEDIA_TYPE_REMOVED, "200")}
    assert "status" in reasons[(K.STATUS_ADDED, "202")]
    assert "header" in reasons[(K.HEADER_REMOVED, "200")]
    summary = plan.summary()
    assert len(summary["not_rehearsed"]) == 3 and summary["placements"] == {}


def _with_media(v: ContractVersion, media: dict[str, Any]) -> ContractVersion:
    from dataclasses import replace

    op = v.operations[OP]
    spec = replace(op.responses["200"], media=media, content_type="application/json")
    return replace(v, operations={OP: replace(op, responses={"200": spec})})


def test_a_step_that_would_make_the_body_invalid_in_the_new_version_is_not_taken() -> None:
    # `name` is no longer required, but the new version still needs it whenever `alias` is there.
    old = version("a", thing({**ID, "name": {"type": "string"}, "alias": {"type": "string"}}, ("id", "name")))
    schema = thing({**ID, "name": {"type": "string"}, "alias": {"type": "string"}}, ("id",))
    new = version("b", {**schema, "dependentRequired": {"alias": ["name"]}})
    assert rehearsed(old, new, {"id": "t", "name": "n", "alias": "x"}) == {
        "id": "t",
        "name": "n",
        "alias": "x",
    }
    assert rehearsed(old, new, {"id": "t", "name": "n"}) == {"id": "t"}


def test_a_body_invalid_in_the_new_version_to_begin_with_is_left_as_it_is() -> None:
    old = version("a", thing({**ID, "name": {"type": "string"}}, ("id", "name")))
    new = version("b", thing({**ID, "name": {"type": "string"}}))
    body = {"name": 3}
    assert apply(plan_rehearsal(new, old), OP, 200, body) is body


def test_alternatives_at_one_path_take_turns() -> None:
    old = version("a", thing({**ID, "name": {"type": "string"}}, ("id", "name")))
    new = version("b", thing({**ID, "name": {"type": ["string", "null"]}}))
    kinds = {p.kind for p in plan_rehearsal(new, old).placements[(OP, "200")]}
    assert kinds == {K.BECAME_OPTIONAL, K.BECAME_NULLABLE}
    seen = [rehearsed(old, new, {"id": "t", "name": "n"}, variant=i) for i in range(2)]
    assert sorted(map(str, seen)) == sorted(map(str, [{"id": "t"}, {"id": "t", "name": None}]))


def test_a_placement_below_a_field_left_out_takes_turns_with_it() -> None:
    """`tags` may be absent now, and each tag's `id` too: leaving out `tags` would hide the other, so
    the two take turns, and the turns needed say so."""
    tag = thing({"id": {"type": "string"}}, ("id",))
    old = version("a", thing({**ID, "tags": {"type": "array", "items": tag}}, ("id", "tags")))
    new = version(
        "b", thing({**ID, "tags": {"type": "array", "items": thing({"id": {"type": "string"}}, ())}})
    )
    plan = plan_rehearsal(new, old)
    assert {p.path for p in plan.placements[(OP, "200")]} == {"tags", "tags[].id"}
    assert [len(g) for g in alternatives(plan.placements[(OP, "200")])] == [2] and turns_needed(plan, OP) == 2
    seen = [rehearsed(old, new, {"id": "t", "tags": [{"id": "x"}]}, variant=i) for i in range(2)]
    assert sorted(map(str, seen)) == sorted(map(str, [{"id": "t"}, {"id": "t", "tags": [{}]}]))
    assert turns_needed(plan, "another-operation") == 1


def test_warnings_are_rehearsed_unless_only_breaking_is_asked_for() -> None:
    old = version("a", thing({**ID, "v": {"type": "string", "enum": ["a"]}}, ("id", "v")))
    new = version("b", thing({**ID, "v": {"type": "string", "enum": ["a", "b"]}}, ("id", "v")))
    assert plan_rehearsal(new, old).placements
    assert plan_rehearsal(new, old, at_least=Severity.BREAKING).placements == {}


def test_every_kind_that_can_harm_readers_is_placed_or_says_why_not() -> None:
    harmful = {k for (k, side), rule in RULES.items() if side is Side.RESPONSE and rule.severity.rank > 0}
    # Graded by policy or by the required flag, these can harm readers too.
    harmful |= {K.DEPRECATED_FIELD_REMOVED, K.HEADER_REMOVED}
    covered = coverage()
    assert harmful <= set(covered), harmful - set(covered)
    assert all(covered[k] in ("omit", "set") or len(covered[k]) > 20 for k in harmful)


# --- the property: whatever the new version may send, the rehearsal of it is valid there ------------


@cache
def _seed_pair() -> tuple[ContractVersion, ContractVersion, Any]:
    store = ContractStore()
    old, new = store.load("2026-04-30"), store.load("2026-05-02")
    return old, new, plan_rehearsal(new, old)


@cache
def _operations() -> list[str]:
    _, _, plan = _seed_pair()
    return sorted({op for op, _ in plan.placements})


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), variant=st.integers(0, 3))
def test_every_rehearsed_body_validates_against_the_new_version(data: st.DataObject, variant: int) -> None:
    _, new, plan = _seed_pair()
    op_id = data.draw(st.sampled_from(_operations()))
    schema = new.operation(op_id).responses["200"].schema
    body = data.draw(from_schema(schema, new.schemas))
    checker = plan.validator
    if not checker.is_valid(op_id, 200, body):
        return  # the strategies cover the usual subset of JSON Schema: an invalid draw proves nothing
    out = apply(plan, op_id, 200, body, variant=variant)
    assert checker.is_valid(op_id, 200, out), checker.violations(op_id, 200, out)


def test_a_field_whose_schema_refers_to_another_definition_is_judged_where_it_was_defined() -> None:
    # Imported versions refer between definitions with local `#/$defs/X` references.
    actor = thing({"name": {"type": "string"}}, ("name",))
    local = {"$ref": "#/$defs/Actor"}
    old_item = thing({**ID, "actor": local}, ("id", "actor"))
    new_item = thing({**ID, "actor": {"anyOf": [local, {"type": "null"}]}}, ("id", "actor"))
    ref = {"$ref": "schemas.json#/$defs/Item"}
    old = version("a", ref, {"Item": old_item, "Actor": actor})
    new = version("b", ref, {"Item": new_item, "Actor": actor})
    (placement,) = plan_rehearsal(new, old).placements[(OP, "200")]
    assert (placement.kind, placement.path, placement.values) == (K.BECAME_NULLABLE, "actor", (None,))
    body = rehearsed(old, new, {"id": "t", "actor": {"name": "n"}})
    assert body == {"id": "t", "actor": None} and refused_by_old(old, body) == {"actor"}


def test_a_status_documented_as_a_range_is_rehearsed_and_other_versions_are_left_alone() -> None:
    from dataclasses import replace

    from apidrift.simulator.rehearse import Rehearsal

    def ranged(v: ContractVersion) -> ContractVersion:
        spec = replace(v.operations[OP].responses["200"], status="2XX")
        return replace(v, operations={OP: replace(v.operations[OP], responses={"2XX": spec})})

    old = ranged(version("a", thing({**ID, "name": {"type": "string"}}, ("id", "name"))))
    new = ranged(version("b", thing({**ID, "name": {"type": "string"}})))
    rehearsal = Rehearsal(plan_rehearsal(new, old))
    assert rehearsal(OP, "b", 201, {"id": "t", "name": "n"}) == {"id": "t"}
    assert rehearsal(OP, "a", 201, {"id": "t", "name": "n"}) == {"id": "t", "name": "n"}  # a mixed family
    assert rehearsal.info()["placements"] == {"became-optional": 1}
