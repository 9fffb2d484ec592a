"""Gaps found by sweeping JSON-schema diff peers' pairs (getsentry/json-schema-diff's fixtures, each
wrapped as a request and as a response body by tools/schema_pairs.py) through `apidrift diff`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from test_diff import diff, op, ref, version

from apidrift.contracts.model import ContractVersion, JSONSchema
from apidrift.diff.changes import Change, ChangeKind, Severity, Side

K = ChangeKind
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO


def sent(label: str, body: JSONSchema, schemas: dict[str, JSONSchema] | None = None) -> ContractVersion:
    return version(label, [op(None, method="POST", body=body)], schemas)


def read(label: str, body: JSONSchema, schemas: dict[str, JSONSchema] | None = None) -> ContractVersion:
    return version(label, [op(body)], schemas)


def gravest(changes: list[Change]) -> Severity | None:
    return max((c.severity for c in changes), key=lambda s: s.rank, default=None)


def kinds(changes: list[Change]) -> set[tuple[ChangeKind, Severity]]:
    return {(c.kind, c.severity) for c in changes}


TUPLE: JSONSchema = {"type": "array", "prefixItems": [{"const": "start_unmerge"}, ref("Hello")]}


def test_a_component_changed_under_a_tuple_position_is_seen_on_both_sides() -> None:
    # getsentry range/add_minimum_in_array: `Hello` gains `minimum: 1`; the tuple itself is untouched.
    loose: dict[str, Any] = {"Hello": {"type": "number"}}
    tight: dict[str, Any] = {"Hello": {"type": "number", "minimum": 1}}
    tightened = diff(sent("v1", TUPLE, loose), sent("v2", TUPLE, tight))
    assert [(c.kind, c.path, c.severity) for c in tightened] == [(K.CONSTRAINT_NARROWED, "[1]", B)]
    loosened = diff(sent("v2", TUPLE, tight), sent("v1", TUPLE, loose))
    assert [(c.kind, c.path, c.severity) for c in loosened] == [(K.CONSTRAINT_WIDENED, "[1]", INFO)]
    # Readers are hurt the other way round.
    assert kinds(diff(read("v2", TUPLE, tight), read("v1", TUPLE, loose))) == {(K.CONSTRAINT_WIDENED, B)}
    assert kinds(diff(read("v1", TUPLE, loose), read("v2", TUPLE, tight))) == {(K.CONSTRAINT_NARROWED, INFO)}


def test_a_tuple_position_changed_beyond_its_bounds_stays_one_undecided_change() -> None:
    # getsentry properties/add_property_in_array: a property added under a position is not a bound.
    bare: dict[str, Any] = {"Hello": {"type": "object"}}
    grown: dict[str, Any] = {"Hello": {"type": "object", "properties": {"id": {"type": "string"}}}}
    changes = diff(sent("v1", TUPLE, bare), sent("v2", TUPLE, grown))
    assert [(c.kind, c.path, c.severity) for c in changes] == [(K.CONSTRAINT_CHANGED, "", W)]


def test_a_tuple_position_given_a_type_narrows_it() -> None:
    anything = {"type": "array", "prefixItems": [{}, {"type": "string"}]}
    numbers = {"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]}
    changes = diff(sent("v1", anything), sent("v2", numbers))
    assert [(c.kind, c.path, c.severity) for c in changes] == [(K.TYPE_NARROWED, "[0]", B)]
    assert kinds(diff(sent("v2", numbers), sent("v1", anything))) == {(K.TYPE_WIDENED, INFO)}


def test_a_tuple_position_renamed_to_the_same_schema_is_no_change() -> None:
    moved = {"type": "array", "prefixItems": [{"const": "start_unmerge"}, ref("Greeting")]}
    same = {"type": "number"}
    assert diff(sent("v1", TUPLE, {"Hello": same}), sent("v2", moved, {"Greeting": same})) == []


def test_a_recursive_component_in_a_tuple_is_compared_without_looping() -> None:
    tree = {"type": "array", "prefixItems": [ref("Node")]}
    node: dict[str, Any] = {"type": "object", "properties": {"kids": {"type": "array", "items": ref("Node")}}}
    grown = {**node, "properties": {**node["properties"], "name": {"type": "string"}}}
    forward = diff(sent("v1", tree, {"Node": node}), sent("v2", tree, {"Node": grown}))
    assert [c.kind for c in forward] == [K.CONSTRAINT_CHANGED]


UNION: JSONSchema = {"anyOf": [{"type": "object"}, {"type": "array"}]}


def test_a_union_given_way_to_any_value_refuses_no_sender() -> None:
    # getsentry events-diff/test1 read backwards: anyOf[object, array] -> {} takes every value it took.
    widened = diff(sent("v1", UNION), sent("v2", {}))
    assert K.UNION_MEMBER_REMOVED not in {c.kind for c in widened}
    assert gravest(widened) is INFO
    # The other way a request refuses strings, numbers, booleans and null it took.
    assert gravest(diff(sent("v2", {}), sent("v1", UNION))) is B


def test_a_union_given_way_to_any_value_may_surprise_readers() -> None:
    widened = diff(read("v1", UNION), read("v2", {}))
    assert K.UNION_MEMBER_REMOVED not in {c.kind for c in widened}
    assert gravest(widened) in (W, B)
    assert gravest(diff(read("v2", {}), read("v1", UNION))) is INFO


def test_a_format_swapped_for_a_disjoint_one_breaks_senders_and_readers() -> None:
    # getsentry format/format_change: uuid -> date-time, both ways, on every side.
    uuid, stamp = {"type": "string", "format": "uuid"}, {"type": "string", "format": "date-time"}
    for side in (sent, read):
        for a, b in ((uuid, stamp), (stamp, uuid)):
            changes = diff(side("v1", a), side("v2", b))
            assert kinds(changes) == {(K.CONSTRAINT_REPLACED, B)}
            assert changes[0].side in (Side.REQUEST, Side.RESPONSE)


def test_formats_that_overlap_stay_undecided() -> None:
    # An IPv6 address such as `fe80::1` is also a URI: the change is not known to refuse or admit.
    a, b = {"type": "string", "format": "ipv6"}, {"type": "string", "format": "uri"}
    assert kinds(diff(sent("v1", a), sent("v2", b))) == {(K.CONSTRAINT_CHANGED, W)}


def test_a_union_with_a_branch_that_takes_anything_takes_anything() -> None:
    # libopenapi AnyOfModified (`type: bool` is not a JSON type: the importer drops it, leaving `{}`):
    # anyOf[{}] and anyOf[{}, integer] take every value, so a request that now wants strings or
    # integers refuses senders, and one that takes them again refuses none.
    for old, new in (
        ({"anyOf": [{}]}, {"anyOf": [{"type": "string"}]}),
        ({"anyOf": [{}, {"type": "integer"}]}, {"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        ({"anyOf": [{"type": "string"}, True]}, {"type": "string"}),
    ):
        narrowed = diff(sent("v1", old), sent("v2", new))
        assert kinds(narrowed) == {(K.TYPE_NARROWED, B)}, narrowed
        assert kinds(diff(sent("v2", new), sent("v1", old))) == {(K.TYPE_WIDENED, INFO)}
        assert kinds(diff(read("v2", new), read("v1", old))) == {(K.TYPE_WIDENED, B)}


def test_a_typeless_branch_that_constrains_still_leaves_the_union_typed() -> None:
    # A branch with a bound but no type is not "anything": the union's types stay those given.
    old = {"anyOf": [{"minLength": 1}, {"type": "integer"}]}
    new = {"anyOf": [{"minLength": 1}, {"type": "integer"}, {"type": "boolean"}]}
    assert K.TYPE_NARROWED not in {c.kind for c in diff(sent("v1", old), sent("v2", new))}


def linked(links: dict[str, Any]) -> ContractVersion:
    operation = op({"type": "object", "properties": {"id": {"type": "string"}}})
    spec = operation.responses["200"]
    return version("v", [replace(operation, responses={"200": replace(spec, links=links)})])


LOCATE = {"operationId": "locateBurger", "parameters": {"burgerId": "$response.body#/id"}}


def test_response_links_added_removed_and_moved() -> None:
    # libopenapi's burgershop pair: a link gained, and one now names another operation.
    a = linked({"Locate": LOCATE})
    b = linked({"Locate": {**LOCATE, "operationId": "locateBurgerOhMy"}, "Again": LOCATE})
    forward = diff(a, b)
    assert {(c.kind, c.severity, c.path, c.status) for c in forward} == {
        (K.LINK_ADDED, INFO, "Again", "200"),
        (K.LINK_CHANGED, W, "Locate", "200"),
    }
    assert all(c.side is Side.RESPONSE for c in forward)
    assert kinds(diff(b, a)) == {(K.LINK_REMOVED, W), (K.LINK_CHANGED, W)}


def test_a_link_described_anew_is_no_change() -> None:
    a, b = linked({"Locate": LOCATE}), linked({"Locate": {**LOCATE, "description": "Go get it"}})
    assert diff(a, b) == []


def test_a_lone_if_or_a_then_without_if_asserts_nothing() -> None:
    # libopenapi If_Added / Then / Else: JSON Schema ignores `then` and `else` without `if`, and
    # `if` without either asserts nothing, so adding or changing them admits the same values.
    text = {"type": "string"}
    lone = [
        ({**text}, {**text, "if": {"maxLength": 3}}),
        ({**text, "then": {"maxLength": 3}}, {**text, "then": {"maxLength": 4}}),
        ({**text, "else": {"maxLength": 3}}, {**text}),
    ]
    for old, new in lone:
        for side in (sent, read):
            assert diff(side("v1", old), side("v2", new)) == []
            assert diff(side("v2", new), side("v1", old)) == []
    # Given a `then`, the lone `if` becomes a condition: a request now refuses short strings not
    # starting with `a`.
    conditioned = {**text, "if": {"maxLength": 3}, "then": {"pattern": "^a"}}
    assert kinds(diff(sent("v1", lone[0][1]), sent("v2", conditioned))) == {(K.CONSTRAINT_NARROWED, B)}
