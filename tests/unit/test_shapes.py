"""shapes.py: flattening schemas and JSON values into field paths with their shape facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apidrift.check.body_fields import flatten_value, undocumented_paths
from apidrift.check.shapes import FieldShape, SchemaFlattener, join
from apidrift.contracts.model import JSONSchema, Operation

DEFS: dict[str, Any] = {
    "Bucket": {
        "type": "object",
        "required": ["object", "data"],
        "properties": {
            "object": {"type": "string", "const": "bucket"},
            "data": {"type": "array", "items": {"$ref": "#/$defs/Result"}},
            "status": {"type": ["string", "null"], "enum": ["a", "b", None]},
            "meta": {
                "type": "object",
                "required": ["page"],
                "properties": {"page": {"type": "integer"}, "cursor": {"type": "string"}},
            },
        },
    },
    "Result": {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "amount": {"type": "number"}},
    },
    "User": {
        "type": "object",
        "required": ["name", "email"],
        "properties": {"name": {"type": "string"}, "email": {"type": "string"}},
    },
    "ServiceAccount": {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}, "role": {"type": "string", "enum": ["owner", "member"]}},
    },
    "Named": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    "Tree": {
        "type": "object",
        "properties": {
            "label": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}},
        },
    },
}


@pytest.fixture
def flattener() -> SchemaFlattener:
    return SchemaFlattener(DEFS)


def test_join() -> None:
    assert join("", "a") == "a"
    assert join("a.b", "c") == "a.b.c"


def test_nested_objects_arrays_and_required(flattener: SchemaFlattener) -> None:
    shapes = flattener.flatten({"$ref": "schemas.json#/$defs/Bucket"})
    assert list(shapes) == [
        "",
        "object",
        "data",
        "data[]",
        "data[].id",
        "data[].amount",
        "status",
        "meta",
        "meta.page",
        "meta.cursor",
    ]
    assert shapes[""] == FieldShape("", ("object",), True, None, ("Bucket",))
    assert shapes["data"].types == ("array",) and shapes["data"].required
    assert shapes["data[]"].types == ("object",) and shapes["data[]"].refs == ("Result",)
    assert shapes["data[].id"].required and shapes["data[].id"].types == ("string",)
    assert not shapes["data[].amount"].required
    assert not shapes["meta"].required and shapes["meta.page"].required and not shapes["meta.cursor"].required


def test_nullable_types_and_enum(flattener: SchemaFlattener) -> None:
    shapes = flattener.flatten({"$ref": "#/$defs/Bucket"})
    status = shapes["status"]
    assert status.types == ("null", "string")
    assert status.nullable
    assert status.enum == ("a", "b")  # null is a type, not an enum value
    assert shapes["object"].enum == ("bucket",)  # const is captured as a one-value enum
    assert not shapes["object"].nullable
    assert shapes["meta.page"].enum is None  # open


def test_nullable_ref_via_any_of(flattener: SchemaFlattener) -> None:
    shapes = flattener.flatten({"anyOf": [{"$ref": "#/$defs/Named"}, {"type": "null"}]})
    assert shapes[""].types == ("null", "object")
    assert shapes[""].nullable
    assert shapes[""].refs == ("Named",)
    assert shapes["name"].required and shapes["name"].types == ("string",)


def test_union_members_merged(flattener: SchemaFlattener) -> None:
    schema = {"oneOf": [{"$ref": "#/$defs/User"}, {"$ref": "#/$defs/ServiceAccount"}]}
    shapes = flattener.flatten(schema)
    assert shapes[""].refs == ("ServiceAccount", "User")
    assert set(shapes) == {"", "name", "email", "role"}
    assert shapes["name"].required  # required in both members
    assert shapes["role"].enum == ("member", "owner")


def test_union_merges_types_required_and_enums_of_same_field() -> None:
    defs = {
        "A": {"type": "object", "required": ["v"], "properties": {"v": {"type": "string", "enum": ["x"]}}},
        "B": {"type": "object", "properties": {"v": {"type": "integer", "enum": [1]}}},
        "C": {"type": "object", "properties": {"v": {"type": "integer"}}},
    }
    shapes = SchemaFlattener(defs).flatten({"anyOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}]})
    assert shapes["v"].types == ("integer", "string")
    assert not shapes["v"].required  # optional in B
    assert shapes["v"].enum is not None and set(shapes["v"].enum) == {1, "x"}
    open_shapes = SchemaFlattener(defs).flatten({"anyOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/C"}]})
    assert open_shapes["v"].enum is None  # one member is open, so the union is


def test_all_of_combined_required_from_either_part(flattener: SchemaFlattener) -> None:
    schema = {
        "allOf": [
            {"$ref": "#/$defs/Named"},
            {"type": "object", "required": ["email"], "properties": {"email": {"type": "string"}, "x": {}}},
        ]
    }
    shapes = flattener.flatten(schema)
    assert shapes[""].types == ("object",)
    assert shapes[""].refs == ("Named",)
    assert shapes["name"].required  # from the referenced part
    assert shapes["email"].required  # from the inline part
    assert not shapes["x"].required


def test_all_of_beside_a_union_joins_every_branch() -> None:
    # A value meets every allOf part and one branch: each branch's fields are fields too, and a part's
    # required field is required whichever branch the value takes (the union was dropped before).
    defs = {"B": {"type": "object", "required": ["b"], "properties": {"b": {"type": "string"}}}}
    schema = {
        "type": "object",
        "allOf": [{"required": ["foo"], "properties": {"foo": {"type": "integer"}}}],
        "anyOf": [{"$ref": "#/$defs/B"}, {"properties": {"bar": {"type": "boolean"}}}],
    }
    shapes = SchemaFlattener(defs).flatten(schema)
    assert set(shapes) == {"", "foo", "b", "bar"}
    assert shapes["foo"].required and shapes["foo"].types == ("integer",)
    assert shapes["bar"].types == ("boolean",) and shapes[""].refs == ("B",)


def test_recursion_stops(flattener: SchemaFlattener) -> None:
    shapes = flattener.flatten({"$ref": "#/$defs/Tree"})
    assert set(shapes) == {"", "label", "children", "children[]"}
    assert shapes["children[]"] == FieldShape("children[]", ("object",), True, None, ("Tree",))


def test_recursion_through_nullable_ref_stops() -> None:
    defs = {
        "Node": {
            "type": "object",
            "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}},
        }
    }
    shapes = SchemaFlattener(defs).flatten({"$ref": "#/$defs/Node"})
    assert shapes["next"].types == ("null", "object")


def test_flatten_none_and_untyped() -> None:
    flattener = SchemaFlattener({})
    assert flattener.flatten(None) == {}
    assert flattener.flatten({"description": "anything"}) == {
        "": FieldShape("", (), True, description="anything")
    }


def test_types_inferred_from_enum_and_const() -> None:
    flattener = SchemaFlattener({})
    shapes = flattener.flatten(
        {"properties": {"a": {"enum": ["x", 2]}, "b": {"const": True}, "c": {"items": {"type": "string"}}}}
    )
    assert shapes[""].types == ("object",)
    assert shapes["a"].types == ("integer", "string")
    assert shapes["b"].types == ("boolean",) and shapes["b"].enum == (True,)
    assert shapes["c"].types == ("array",) and shapes["c[]"].types == ("string",)


def test_flatten_value() -> None:
    value = {
        "object": "list",
        "data": [{"id": "a", "n": 1}, {"id": "b", "n": 1.5, "gone": None}],
        "empty": [],
        "flag": True,
        "nested": {"deep": {"x": [[1]]}},
    }
    assert flatten_value(value) == {
        "": "object",
        "data": "array",
        "data[]": "object",
        "data[].gone": "null",
        "data[].id": "string",
        "data[].n": "integer|number",
        "empty": "array",
        "flag": "boolean",
        "nested": "object",
        "nested.deep": "object",
        "nested.deep.x": "array",
        "nested.deep.x[]": "array",
        "nested.deep.x[][]": "integer",
        "object": "string",
    }


def test_flatten_value_with_prefix_and_scalars() -> None:
    assert flatten_value(None) == {"": "null"}
    assert flatten_value([True, "x"], "items") == {"items": "array", "items[]": "boolean|string"}


def test_the_component_cache_changes_no_shape_of_the_real_documents(shared: Path) -> None:
    """Fields below each named schema are flattened once and reused; every flattened shape of every
    operation of both shared OpenAI documents is what a walk without the cache gives."""
    from apidrift.openapi.convert import import_document
    from apidrift.openapi.document import load_document

    for name in ("openai-openapi-2025-04-29.yaml", "openai-openapi-2026-05-13.yaml"):
        version = import_document(load_document(shared / "openapi" / name), api="openai", version="v").version
        schemas = [s for op in version.operations.values() for s in _schemas_of(op)]
        # The diff's mode; the plain mode's cached shapes are held by the shape snapshots.
        cached = SchemaFlattener(version.schemas, detail=True)
        walked = SchemaFlattener(version.schemas, detail=True, cache=False)
        assert all(cached.flatten(s) == walked.flatten(s) for s in schemas), name


def test_values_at_reads_what_flattening_the_whole_schema_gives(shared: Path) -> None:
    """`values_at` (a named schema's own property, or the schema itself, without walking the rest)
    gives the enum values its flattened field has, for every named schema of the newer document."""
    from apidrift.check.schema_facts import sorted_unique
    from apidrift.openapi.convert import import_document
    from apidrift.openapi.document import load_document

    document = load_document(shared / "openapi" / "openai-openapi-2026-05-13.yaml")
    version = import_document(document, api="openai", version="v").version
    flattener = SchemaFlattener(version.schemas, detail=True)
    compared = 0
    for name in version.schemas:
        fields = flattener.flatten({"$ref": f"#/$defs/{name}"})
        for key in ("", *(p for p in fields if p and "." not in p and "[" not in p and p != "*")):
            got, want = flattener.values_at(name, key), fields[key].enum
            assert (None if got is None else tuple(sorted_unique(got))) == want, (name, key)
            compared += 1
    assert compared > 4_000


def _schemas_of(op: Operation) -> list[JSONSchema]:
    found = [p.schema for p in op.parameters]
    found += list(op.request_body.all_media.values()) if op.request_body else []
    for response in op.responses.values():
        found += [*response.all_media.values(), *(h.schema for h in response.headers.values())]
    return [s for s in found if s is not None]


def test_a_recursive_component_below_a_cached_one_is_cut_where_the_walk_is() -> None:
    defs = {
        "Org": {"type": "object", "properties": {"team": {"$ref": "#/$defs/Team"}}},
        "Team": {
            "type": "object",
            "properties": {"org": {"$ref": "#/$defs/Org"}, "name": {"type": "string"}},
        },
    }
    for root in ({"$ref": "#/$defs/Org"}, {"$ref": "#/$defs/Team"}):
        assert SchemaFlattener(defs).flatten(root) == SchemaFlattener(defs, cache=False).flatten(root)
    paths = set(SchemaFlattener(defs).flatten({"$ref": "#/$defs/Org"}))
    assert paths == {"", "team", "team.org", "team.name"}


# --- the pruned walk that names undocumented fields ---------------------------------------------


KEYS = st.sampled_from(["a", "b", "c", "data", "id"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


def _parent(path: str) -> str:
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


def _by_filtering(body: Any, documented: set[str]) -> dict[str, str]:
    """What the strict check computed before the pruned walk: every path, then keep the outermost."""
    declares = {_parent(p) for p in documented if p}
    return {
        path: kind
        for path, kind in flatten_value(body).items()
        if path and path not in documented and _parent(path) in documented and _parent(path) in declares
    }


@settings(max_examples=300, deadline=None)
@given(schema_like=JSON, body=JSON, keep=st.integers(0, 2**16))
def test_pruned_walk_equals_filtered_flatten(schema_like: Any, body: Any, keep: int) -> None:
    # Documented paths: prefix-closed, as a flattened schema always is (a subset of another value's).
    paths = sorted(flatten_value(schema_like))
    documented = {p for i, p in enumerate(paths) if keep >> (i % 16) & 1 or p == ""}
    documented = {p for p in documented if all(q in documented for q in _ancestors(p))}
    declares = frozenset(_parent(p) for p in documented if p) & documented
    assert undocumented_paths(body, documented, declares) == _by_filtering(body, documented)


def _ancestors(path: str) -> list[str]:
    out = []
    while path:
        path = _parent(path)
        out.append(path)
    return out


ODD_KEYS = st.sampled_from(["a", "b", "a.b", ".b", "x[]", "x", "", "data", "id"])
ODD_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ODD_KEYS, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(schema_like=ODD_JSON, body=ODD_JSON, keep=st.integers(0, 2**16))
def test_the_planned_walk_names_what_the_pruned_walk_names(schema_like: Any, body: Any, keep: int) -> None:
    """FieldPlan compares each object's keys with the documented ones as sets; it must agree with the
    string walk, keys spelled like paths (`a.b`, `x[]`, `.b`, the empty key) included."""
    from apidrift.check.body_fields import FieldPlan

    paths = sorted(flatten_value(schema_like))
    documented = {p for i, p in enumerate(paths) if keep >> (i % 16) & 1 or p == ""}
    documented = {p for p in documented if all(q in documented for q in _ancestors(p))}
    declares = frozenset(_parent(p) for p in documented if p) & documented
    expected = undocumented_paths(body, documented, declares)
    assert FieldPlan(documented, declares).undocumented(body) == expected


def test_keywords_beside_a_ref_constrain_the_field_as_a_validator_reads_them() -> None:
    # JSON Schema 2020-12 applies `maxLength` beside a `$ref`; a hand-written contract may say so.
    defs = {"S": {"type": "string"}, "T": {"type": "object", "properties": {"n": {"type": "string"}}}}
    short = SchemaFlattener(defs).flatten({"$ref": "#/$defs/S", "maxLength": 2})[""]
    assert short.types == ("string",)
    assert ("maxLength", 2) in short.constraints
    fields = SchemaFlattener(defs).flatten({"$ref": "#/$defs/T", "required": ["n"]})
    assert fields["n"].required
    # Beside annotations only, the reference is what it always was: a reference.
    described = SchemaFlattener(defs).flatten({"$ref": "#/$defs/S", "description": "d"})[""]
    assert described.refs == ("S",) and not described.constraints


def test_a_changed_keyword_beside_a_ref_is_a_change_for_the_diff() -> None:
    from apidrift.contracts.model import ContractVersion, ResponseSpec
    from apidrift.diff.engine import diff_versions

    def version(label: str, limit: int) -> ContractVersion:
        schema = {"$ref": "schemas.json#/$defs/S", "maxLength": limit}
        op = Operation("get-x", "GET", "/x", "", (), None, {"200": ResponseSpec("200", "OK", schema)})
        return ContractVersion("t", label, None, "", (), {"get-x": op}, {"S": {"type": "string"}})

    changes = diff_versions(version("a", 5), version("b", 2)).changes
    assert [(c.kind.value, c.old, c.new) for c in changes] == [
        ("constraint-narrowed", {"maxLength": 5}, {"maxLength": 2})
    ]  # it was no change at all: the keyword beside the reference was never read
