"""Properties of the diff engine on generated schemas: a version diffed with itself gives nothing,
what a→b adds b→a removes, and a field renamed in a generated schema is one rename."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidrift.contracts.model import (
    ContractVersion,
    JSONSchema,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
)
from apidrift.diff.changes import Change, ChangeKind
from apidrift.diff.engine import diff_versions
from apidrift.diff.findings import group

K = ChangeKind
NAMES = ["id", "name", "email", "role", "status", "created_at", "owner", "project", "data", "object", "value"]
# Added fields are named apart from NAMES, so that no addition looks like a renamed field.
ADDED = ["zebra", "quokka", "walrus", "yak"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

leaves = st.one_of(
    st.sampled_from([{"type": t} for t in ("string", "integer", "boolean", "number")]),
    st.builds(lambda n: {"type": "string", "maxLength": n}, st.integers(1, 64)),
    st.builds(
        lambda v: {"type": "string", "enum": sorted(v)}, st.sets(st.sampled_from("abcdef"), min_size=1)
    ),
    st.just({"type": ["string", "null"]}),
    st.just({"anyOf": [{"type": "integer"}, {"type": "null"}]}),
)


def _object(properties: dict[str, JSONSchema], required: list[str]) -> JSONSchema:
    return {"type": "object", "properties": properties, "required": sorted(set(required) & set(properties))}


schemas = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(
            _object,
            st.dictionaries(st.sampled_from(NAMES), inner, min_size=1, max_size=4),
            st.lists(st.sampled_from(NAMES)),
        ),
    ),
    max_leaves=12,
)
objects = st.builds(
    _object,
    st.dictionaries(st.sampled_from(NAMES), schemas, min_size=1, max_size=5),
    st.lists(st.sampled_from(NAMES)),
)


def version(
    label: str, body: JSONSchema, *, components: dict[str, JSONSchema] | None = None
) -> ContractVersion:
    """One operation using `body` as response, request body and the schema of an object parameter."""
    operation = Operation(
        "op",
        "POST",
        "/things",
        "",
        (Parameter("filter", "query", False, body),),
        RequestBody(True, body),
        {"200": ResponseSpec("200", "ok", body)},
    )
    return ContractVersion("t", label, None, "", (), {"op": operation}, {})


def where(change: Change) -> tuple[Any, ...]:
    return (change.operation, change.side, change.status, change.path)


@SETTINGS
@given(objects)
def test_a_version_diffed_with_itself_gives_nothing(body: JSONSchema) -> None:
    assert (
        diff_versions(version("a", body), version("b", copy.deepcopy(body)), include_cosmetic=True).changes
        == []
    )


def _objects_in(schema: JSONSchema, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """JSON paths (as key tuples) of every object schema with properties, the root included."""
    found = [path] if "properties" in schema else []
    for name, sub in schema.get("properties", {}).items():
        found += _objects_in(sub, (*path, "properties", name))
    if isinstance(schema.get("items"), dict):
        found += _objects_in(schema["items"], (*path, "items"))
    return found


def _at(schema: JSONSchema, path: tuple[Any, ...]) -> JSONSchema:
    for key in path:
        schema = schema[key]
    return schema


@SETTINGS
@given(objects, st.data())
def test_what_a_to_b_adds_b_to_a_removes(body: JSONSchema, data: st.DataObject) -> None:
    grown = copy.deepcopy(body)
    targets = data.draw(st.lists(st.sampled_from(_objects_in(grown)), min_size=1, max_size=3))
    for target in targets:
        node = _at(grown, target)
        name = data.draw(st.sampled_from([n for n in ADDED if n not in node["properties"]] or ["yak2"]))
        node["properties"][name] = data.draw(schemas)
        if data.draw(st.booleans()):
            node["required"] = sorted({*node["required"], name})
    forward = diff_versions(version("a", body), version("b", grown)).changes
    backward = diff_versions(version("b", grown), version("a", body)).changes
    added = {where(c) for c in forward if c.kind is K.FIELD_ADDED}
    removed = {where(c) for c in backward if c.kind is K.FIELD_REMOVED}
    assert added and added == removed
    assert {c.kind for c in forward} == {K.FIELD_ADDED}
    assert {c.kind for c in backward} == {K.FIELD_REMOVED}


@SETTINGS
@given(objects, st.data())
def test_a_field_renamed_in_a_generated_schema_is_one_rename(body: JSONSchema, data: st.DataObject) -> None:
    target = data.draw(st.sampled_from(_objects_in(body)))
    renamed = copy.deepcopy(body)
    node = _at(renamed, target)
    old = data.draw(st.sampled_from(sorted(node["properties"])))
    new = f"{old}s" if f"{old}s" not in node["properties"] else f"the_{old}"
    node["properties"] = {(new if k == old else k): v for k, v in node["properties"].items()}
    node["required"] = sorted(new if r == old else r for r in node["required"])
    # Only a response reads it here, so the rename is one change.
    changes = diff_versions(_reading("a", body), _reading("b", renamed)).changes
    assert [(c.kind, c.old.rsplit(".", 1)[-1], c.new.rsplit(".", 1)[-1]) for c in changes] == [
        (K.FIELD_RENAMED, old, new)
    ]
    assert changes[0].confidence is not None and changes[0].evidence


def _reading(label: str, schema: JSONSchema) -> ContractVersion:
    operation = Operation("op", "GET", "/things", "", (), None, {"200": ResponseSpec("200", "ok", schema)})
    return ContractVersion("t", label, None, "", (), {"op": operation}, {})


@SETTINGS
@given(objects, st.integers(2, 6), st.data())
def test_a_change_to_a_shared_component_is_one_finding(
    body: JSONSchema, uses: int, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(_objects_in(body)))
    changed = copy.deepcopy(body)
    node = _at(changed, target)
    node["properties"]["walrus"] = {"type": "string"}
    ref = {"$ref": "schemas.json#/$defs/Shared"}

    def shared(label: str, component: JSONSchema) -> ContractVersion:
        operations = {
            f"op{i}": Operation(
                f"op{i}", "GET", f"/t{i}", "", (), None, {"200": ResponseSpec("200", "ok", ref)}
            )
            for i in range(uses)
        }
        return ContractVersion("t", label, None, "", (), operations, {"Shared": component})

    diff = diff_versions(shared("a", body), shared("b", changed))
    assert len(diff.changes) == uses
    (finding,) = group(diff.changes)
    assert (finding.kind, len(finding.operations)) == (K.FIELD_ADDED, uses)
