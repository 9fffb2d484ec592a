"""References a contract version holds: each names a whole named schema, or the version is refused
when it is built (loaded, imported or made in memory) with `FILE#POINTER`; no walk ever meets one it
cannot follow."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from apidrift.check.closed import close_response
from apidrift.check.openapi_view import OpenApiView
from apidrift.check.shapes import SchemaFlattener
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractVersion, Operation, RequestBody, ResponseSpec, load_version
from apidrift.contracts.operations import Header, Parameter
from apidrift.contracts.refs import check_references, target, why_unfollowable
from apidrift.diff.engine import diff_versions
from apidrift.errors import ApidriftError, ContractError
from apidrift.generate.strategies import from_schema

P = "schemas.json#/$defs/"
THING: dict[str, Any] = {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]}


def version(schema: Any, defs: dict[str, Any] | None = None, label: str = "v1") -> ContractVersion:
    op = Operation("get-x", "GET", "/x", "", (), None, {"200": ResponseSpec("200", "OK", schema)})
    return ContractVersion("t", label, None, "", (), {"get-x": op}, dict(defs or {"Thing": THING}))


RESPONSE = "t/v1/contract.json#/operations/0/responses/200/schema"


@pytest.mark.parametrize(
    ("ref", "pointer", "message"),
    [
        ("#", f"{RESPONSE}/$ref", "names a whole document, not a schema"),
        ("schemas.json#", f"{RESPONSE}/$ref", "names a whole document"),
        ("schemas.json", f"{RESPONSE}/$ref", "names a whole document"),
        (f"{P}Nope", f"{RESPONSE}/$ref", "dangling $ref"),
        (f"{P}Thing/properties/b", f"{RESPONSE}/$ref", "points inside schema 'Thing'"),
        ("#/$defs/Thing", f"{RESPONSE}/$ref", "must point into schemas.json#/$defs/"),
        ("http://127.0.0.1:9/x.json", f"{RESPONSE}/$ref", "must point into"),
        (f"{P}Th%69ng", f"{RESPONSE}/$ref", "percent escapes"),
        (f"{P}", f"{RESPONSE}/$ref", "names no schema"),
        (5, f"{RESPONSE}/$ref", "must be a string, not int"),
    ],
)
def test_an_operation_ref_that_names_no_whole_schema_is_refused_with_its_pointer(
    ref: Any, pointer: str, message: str
) -> None:
    with pytest.raises(ContractError) as info:
        version({"$ref": ref})
    assert str(info.value).startswith(f"{pointer}: ")
    assert message in info.value.message


def test_a_named_schema_ref_that_names_no_schema_is_refused_in_schemas_json() -> None:
    defs = {"Thing": THING, "A": {"type": "object", "properties": {"t": {"items": {"$ref": "#/$defs/Gone"}}}}}
    with pytest.raises(ContractError) as info:
        version({"$ref": f"{P}A"}, defs)
    assert (
        str(info.value) == "t/v1/schemas.json#/$defs/A/properties/t/items/$ref: dangling $ref '#/$defs/Gone'"
    )


def test_a_name_that_needs_pointer_escapes_is_refused_never_misread() -> None:
    # `a/b` written `a~1b` is a valid pointer, but the walks and the validators would read it apart.
    defs = {"a/b": {"type": "integer"}}
    with pytest.raises(ContractError, match="JSON Pointer or percent escapes"):
        version({"$ref": f"{P}a~1b"}, defs)
    with pytest.raises(ContractError, match="JSON Pointer or percent escapes"):
        version({"$ref": f"{P}a~b"}, {"a~b": {"type": "integer"}})


@pytest.mark.parametrize(
    ("defs", "loop"),
    [
        ({"A": {"$ref": "#/$defs/A"}}, "A -> A"),
        (
            {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/C"}, "C": {"$ref": "#/$defs/A"}},
            "A -> B -> C -> A",
        ),
        ({"A": {"allOf": [{"$ref": "#/$defs/B"}]}, "B": {"anyOf": [{"$ref": f"{P}A"}]}}, "A -> B -> A"),
    ],
)
def test_a_cycle_that_never_descends_is_refused_where_it_starts(defs: dict[str, Any], loop: str) -> None:
    with pytest.raises(ContractError) as info:
        version({"$ref": f"{P}A"}, defs)
    assert info.value.pointer == "/$defs/A"
    assert info.value.file == "t/v1/schemas.json"
    assert f"({loop})" in info.value.message
    assert "accept anything" in info.value.message


def test_sound_references_pass_a_recursive_one_included() -> None:
    defs = {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}, "Thing": THING}
    built = version({"anyOf": [{"$ref": f"{P}Node"}, {"$ref": f"{P}Thing"}]}, defs)
    assert ResponseValidator(built).is_valid("get-x", 200, {"next": {"next": {}}})
    assert not ResponseValidator(built).is_valid("get-x", 200, 42)


def test_every_schema_of_an_operation_is_checked_where_contract_json_writes_it() -> None:
    bad = {"$ref": f"{P}Nope"}
    places = {
        "/parameters/0/schema": {"parameters": (Parameter("q", "query", False, bad),)},
        "/request_body/schema": {"request_body": RequestBody(True, bad)},
        "/request_body/media/text~1plain": {"request_body": RequestBody(True, {}, media={"text/plain": bad})},
        "/responses/201/headers/X-Rate/schema": {
            "responses": {
                "201": ResponseSpec("201", "", None, headers={"X-Rate": Header("X-Rate", False, bad)})
            }
        },
    }
    for where, parts in places.items():
        fields: dict[str, Any] = {"parameters": (), "request_body": None, "responses": {}} | parts
        op = Operation(
            "op", "POST", "/x", "", fields["parameters"], fields["request_body"], fields["responses"]
        )
        with pytest.raises(ContractError) as info:
            ContractVersion("t", "v1", None, "", (), {"op": op}, {})
        assert info.value.pointer == f"/operations/0{where}/$ref", where
    hook = Operation("hook", "POST", "/hook", "", (), RequestBody(True, bad), {})
    with pytest.raises(ContractError) as info:
        ContractVersion("t", "v1", None, "", (), {}, {}, webhooks={"hook": hook})
    assert info.value.pointer == "/webhooks/0/request_body/schema/$ref"


def test_a_version_made_with_replace_is_checked_again() -> None:
    import dataclasses

    good = version({"$ref": f"{P}Thing"})
    with pytest.raises(ContractError, match="dangling"):
        dataclasses.replace(good, schemas={})


def test_a_loaded_folder_names_its_own_files(tmp_path: Path) -> None:
    folder = tmp_path / "t" / "v1"
    version({"$ref": f"{P}Thing"}).write(folder)
    schemas = json.loads((folder / "schemas.json").read_text())
    schemas["$defs"]["Thing"]["properties"]["b"] = {"$ref": "#/$defs/Thing/properties/b"}
    (folder / "schemas.json").write_text(json.dumps(schemas))
    with pytest.raises(ContractError) as info:
        load_version(folder)
    assert info.value.file == str(folder / "schemas.json")
    assert info.value.pointer == "/$defs/Thing/properties/b/$ref"


def test_why_unfollowable_and_target_agree() -> None:
    defs = {"Thing": THING}
    assert why_unfollowable(f"{P}Thing", defs, local=False) is None
    assert why_unfollowable("#/$defs/Thing", defs, local=True) is None
    assert why_unfollowable(f"{P}Thing", defs, local=True) is None  # schemas.json resolves in itself
    assert target(defs, "#/$defs/Thing") == ("Thing", THING)
    with pytest.raises(ContractError, match=r"dangling \$ref '#/\$defs/Nope' \(at b\)"):
        target(defs, "#/$defs/Nope", where="b")


# --- the walks, given definitions no version check has seen -------------------------------------


@pytest.mark.parametrize(
    ("defs", "schema", "message"),
    [
        ({}, {"$ref": f"{P}Nope"}, "dangling"),
        ({}, {"$ref": "#"}, "whole document"),
        ({}, {"$ref": 5}, "must be a string"),
        ({"A": THING}, {"$ref": f"{P}A/properties/b"}, "points inside"),
        ({"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}, {"$ref": f"{P}A"}, "(A -> B -> A)"),
        ({"A": {"allOf": [{"$ref": "#/$defs/A"}]}}, {"$ref": f"{P}A"}, "(A -> A)"),
        (
            {"A": {"oneOf": [{"$ref": "#/$defs/B"}]}, "B": {"allOf": [{"$ref": "#/$defs/A"}]}},
            {"$ref": f"{P}A"},
            "->",
        ),
    ],
)
def test_the_flattener_and_the_generators_refuse_what_they_cannot_follow(
    defs: dict[str, Any], schema: Any, message: str
) -> None:
    for detail in (False, True):
        with pytest.raises(ContractError, match=message.replace("(", r"\(").replace(")", r"\)")):
            SchemaFlattener(defs, detail=detail).flatten(schema)
    with pytest.raises(ContractError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _draw(from_schema(schema, defs))


def _draw(strategy: st.SearchStrategy[Any]) -> list[Any]:
    drawn: list[Any] = []

    @settings(max_examples=5, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    try:
        collect()
    except Unsatisfiable:
        return []  # a schema that admits nothing (`false`): nothing to draw, and nothing raised
    return drawn


# --- a property: whatever the references, nothing but an ApidriftError comes out ------------------

NAMES = ["A", "B", "C"]
_REF_VALUES = st.one_of(
    st.sampled_from([*NAMES, "Nope", "A/properties/x", "", "a~1b", "%41"]).map(lambda n: f"#/$defs/{n}"),
    st.sampled_from([*NAMES, "Nope"]).map(lambda n: f"{P}{n}"),
    st.sampled_from(["#", "schemas.json#", "http://127.0.0.1:9/x", "#/info"]),
    st.integers(0, 3),
)


def _schemas(depth: int) -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.builds(lambda r: {"$ref": r}, _REF_VALUES),
        st.sampled_from([{"type": "string"}, {"type": "integer"}, {}, True, False]),
    )
    if depth == 0:
        return leaf
    inner = _schemas(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda parts: {"allOf": parts}, st.lists(inner, min_size=1, max_size=2)),
        st.builds(lambda parts: {"anyOf": parts}, st.lists(inner, min_size=1, max_size=2)),
        st.builds(
            lambda props: {"type": "object", "properties": props},
            st.dictionaries(st.sampled_from("xyz"), inner, max_size=2),
        ),
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(lambda r, s: {"$ref": r, **({"maxLength": 3} if s else {})}, _REF_VALUES, st.booleans()),
    )


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    defs=st.fixed_dictionaries({n: _schemas(2) for n in NAMES}),
    body=_schemas(2),
    value=st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=3),
        st.dictionaries(st.sampled_from("xyz"), st.integers(), max_size=2),
    ),
    data=st.data(),
)
def test_random_references_never_raise_anything_but_an_apidrift_error(
    defs: dict[str, Any], body: Any, value: Any, data: st.DataObject
) -> None:
    # The walks of a version's named schemas, given definitions straight (the public API allows it).
    schema = body if isinstance(body, dict) else {"allOf": [body]}
    for walk in (
        lambda: SchemaFlattener(defs).flatten(schema),
        lambda: SchemaFlattener(defs, detail=True).flatten(schema),
        lambda: data.draw(from_schema(schema, defs) | st.just(None)),
    ):
        with contextlib.suppress(ApidriftError):
            walk()
    try:
        built = version(body, defs)
    except ContractError:
        return  # refused when built, with its pointer: nothing downstream ever sees it
    # Built, so every reference names a whole schema and no loop stays in place: every walk works.
    validator = ResponseValidator(built)
    validator.is_valid("get-x", 200, value)
    validator.validate("get-x", 200, value, strict=True)
    view = OpenApiView(built.schemas, "writeOnly").view(built.response_schema("get-x", 200))
    close_response(view, built.schemas, schema_id="x")
    check_references(built.schemas, operations=built.operations, webhooks={}, folder=Path("t"))
    diff_versions(version({"$ref": f"{P}Thing"}, label="v0"), built)
    diff_versions(built, version({"$ref": f"{P}Thing"}, label="v2"))
    data.draw(from_schema(built.operations["get-x"].responses["200"].schema, built.schemas) | st.just(None))


def test_a_property_named_ref_is_a_name_and_data_is_never_read_as_a_reference() -> None:
    # GitHub's document has `properties: {$ref: {type: string}}`; examples may hold `$ref` keys.
    schema = {
        "type": "object",
        "properties": {"$ref": {"type": "string"}},
        "examples": [{"$ref": "#/not/a/reference"}],
    }
    built = version(schema)
    assert ResponseValidator(built).is_valid("get-x", 200, {"$ref": "x"})
    assert not ResponseValidator(built).is_valid("get-x", 200, {"$ref": 5})
    assert "$ref" in SchemaFlattener(built.schemas).flatten(schema)
