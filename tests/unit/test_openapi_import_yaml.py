"""fastyaml.py and yaml_core.py: documents read as YAML 1.2's core schema, the Rust loader, the event
builder and PyYAML's own loader (with the core schema) agreeing on every value, and errors PyYAML's."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import apidrift.openapi.fastyaml as fastyaml
import apidrift.openapi.yaml_core as yaml_core
import apidrift.openapi.yaml_events as yaml_events
from apidrift.contracts.safeload import Limits, check_tree
from apidrift.errors import OpenAPIError
from apidrift.openapi.yaml_core import core_loader, plain_scalar


def reference(text: str) -> Any:
    return yaml.load(text, Loader=core_loader())


def built(text: str) -> Any:
    return fastyaml.build_tree(text).value


LOADERS = [fastyaml.load, built, reference]
LOADER_IDS = ["rust", "builder", "pyyaml"]


@pytest.mark.parametrize("load", LOADERS, ids=LOADER_IDS)
def test_timestamps_stay_text_so_every_value_is_json(load: Any) -> None:
    """An unquoted `version: 2024-10-01` in an example is data; PyYAML alone would make it a date."""
    text = "version: 2024-10-01\nwhen: 2001-12-14t21:59:43.10-05:00\ntagged: !!timestamp 2024-01-31\n"
    assert isinstance(yaml.load(text, Loader=yaml_core.safe_loader())["version"], datetime.date)
    loaded = load(text)
    assert loaded == {"version": "2024-10-01", "when": "2001-12-14t21:59:43.10-05:00", "tagged": "2024-01-31"}
    assert json.loads(json.dumps(loaded)) == loaded


def outcome(load: Any, text: str) -> tuple[str, Any]:
    try:
        return "value", load(text)
    except yaml.YAMLError as exc:
        return type(exc).__name__, str(exc)


DOCUMENTS = {
    "empty": "",
    "comment only": "# nothing\n",
    "scalar root": "just text\n",
    "explicit document": "---\na: 1\n...\n",
    "sequence root": "- 1\n- two\n",
    "implicit scalars": (
        "a: 1\nb: 1.5\nc: true\nd: no\ne: ~\nf: 0x1F\ng: 0o17\nh: 1_000\n"
        "i: .inf\nj: -.nan\nk: 190:20:30\nl: .NaN\n"
    ),
    "timestamps": "date: 2024-01-31\nwhen: 2001-12-14t21:59:43.10-05:00\n",
    "quoted look-alikes": "a: '1'\nb: \"true\"\nc: 'null'\nd: '2024-01-31'\n",
    "block scalars": "lit: |\n  line 1\n  line 2\nfold: >-\n  folded\n  text\n",
    "non-string keys": "1: one\ntrue: yes\nnull: nothing\n2024-01-31: day\n1.5: x\n",
    "duplicate keys": "a: 1\na: 2\n",
    "bool and int keys collide": "{1: int, true: bool}\n",
    "flow collections": "{a: [1, {b: c}], d: []}\n",
    "anchors and aliases": (
        "base: &b {x: 1}\nsame: *b\nlist: &l [1, 2]\nagain: *l\nscalar: &s hello\nref: *s\n"
    ),
    "merge keys": "base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n",
    "explicit tags": "a: !!str 123\nb: !!int '7'\nc: !!float 1\nd: !!binary aGVsbG8=\n",
    "set and omap": "s: !!set {a, b}\no: !!omap [{a: 1}, {b: 2}]\n",
    "value key": "=: value\nv: =\n",
    "merge key as a value": "a: <<\n",
    "yaml 1.1 directive": "%YAML 1.1\n---\na: yes\nb: 0755\n",
    "non-specific tag": "a: ! 12\n",
    "unicode": 'name: Zoë\nemoji: "\\U0001F600"\n',
    "json": '{"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}',
    "anchored empty": "a: &e\nb: *e\n",
    "recursive alias": "&r [*r]\n",
}
ERRORS = {
    "unclosed flow": "a: [1, 2\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "tab indentation": "a:\n\tb: 1\n",
    "two documents": "--- 1\n--- 2\n",
    "undefined alias": "a: *nope\n",
    "unhashable key": "? [1, 2]\n: x\n",
    "unknown tag": "a: !custom 1\n",
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_documents_load_as_pyyaml_loads_them(text: str) -> None:
    legacy = text.startswith("%YAML 1.1")
    expected = yaml.load(text, Loader=yaml_events.json_loader()) if legacy else reference(text)
    for got in (fastyaml.load(text), fastyaml.build_tree(text, yaml_1_1=legacy).value):
        if isinstance(expected, list) and expected and expected[0] is expected:
            assert got[0] is got  # the recursive alias is the list itself, as in PyYAML
            continue
        assert repr(got) == repr(expected)  # same values and types (True vs 1, date vs str; nan too)


def test_plain_scalars_read_as_yaml_1_2_core() -> None:
    """What the OpenAPI Specification recommends and js-yaml and Go's yaml.v3 read: not YAML 1.1."""
    text = "a: yes\nb: off\nc: 0755\nd: 1e3\ne: 12:30\nf: 1_000\ng: 0o17\nh: -.5\ni: 0b1\nj: True\nk: =\n"
    expected = {"a": "yes", "b": "off", "c": 755, "d": 1000.0, "e": "12:30", "f": "1_000", "g": 15}
    expected |= {"h": -0.5, "i": "0b1", "j": True, "k": "="}
    for load in LOADERS:
        assert repr(load(text)) == repr(expected)
    # A document that asks for 1.1 gets it.
    assert fastyaml.load("%YAML 1.1\n---\n" + text.replace("k: =\n", ""))["a"] is True


@pytest.mark.parametrize("text", ERRORS.values(), ids=ERRORS.keys())
def test_errors_are_pyyamls_errors(text: str) -> None:
    expected = outcome(reference, text)
    assert expected[0] != "value"
    assert outcome(fastyaml.load, text) == expected
    assert outcome(built, text) == expected


def test_aliases_share_one_object_as_in_pyyaml() -> None:
    """Shared, not copied: what an alias names costs its memory once, whichever path reads it."""
    for load in LOADERS:
        loaded = load("a: &x [1]\nb: *x\n")
        assert loaded["a"] is loaded["b"]


def test_bytes_input() -> None:
    assert fastyaml.load("a: é\n".encode()) == {"a": "é"}


def test_plain_documents_take_the_rust_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The speed comes from the Rust loader; ordinary OpenAPI YAML (anchors too) never needs another."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("fell back to the event builder")

    monkeypatch.setattr(fastyaml, "build_tree", refuse)
    text = DOCUMENTS["anchors and aliases"] + DOCUMENTS["implicit scalars"] + "x: {y: [1, 'a', null]}\n"
    text += "code: |\n  if err != nil {\n    return !ok\n  }\n"
    assert fastyaml.load(text)["x"] == {"y": [1, "a", None]}


@pytest.mark.parametrize("text", ["a: !!binary aGVsbG8=\n", "- !custom 1\n", "!!set {a}\n", "a: [! 12]\n"])
def test_tags_are_read_by_pyyaml_not_dropped(text: str) -> None:
    """The Rust loader drops tags it does not know and builds sets: a tagged document goes to PyYAML."""
    assert outcome(fastyaml.load, text) == outcome(reference, text)


TOKEN_WORDS = [
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "False",
    "null",
    "Null",
    "~",
    ".inf",
    "-.Inf",
    ".nan",
    "<<",
    "=",
]


@settings(max_examples=500, deadline=None)
@given(
    token=st.one_of(
        st.text(alphabet="0123456789._:-+eEoOxXbBaAfFinINul~", min_size=1, max_size=7),
        st.builds(lambda w, t: w + t, st.sampled_from(TOKEN_WORDS), st.text(alphabet="0._eE+-x", max_size=2)),
    )
)
def test_every_plain_token_reads_alike_in_all_three(token: str) -> None:
    """The core schema as the Rust loader reads it: `plain_scalar`, the builder and PyYAML agree."""
    text = f"a: {token}\n"
    try:
        expected = fastyaml.load(text)["a"]
    except yaml.YAMLError:
        return  # not a plain scalar in that place (`a: - x`, `a: ::`)
    assert repr(built(text)["a"]) == repr(expected)
    assert repr(reference(text)["a"]) == repr(expected)
    if not token.startswith(("<<", "~")) or token in ("~",):
        assert repr(plain_scalar(token)) == repr(expected) or token.startswith("<<")


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_the_rust_depth_bound_is_within_the_walks(limit: int) -> None:
    """What the Rust loader accepts at `max_depth=N`, the walk accepts at N: its bound may skip it."""
    for nesting in range(limit - 1, limit + 3):
        for text in ("[" * nesting + "]" * nesting, "{a: " * nesting + "1" + "}" * nesting):
            tree = fastyaml.load_tree(text, max_depth=limit)
            check_tree(tree.value, file="x", error=OpenAPIError, limits=Limits(max_depth=limit + 1))
            if tree.depth is not None:
                assert _depth(tree.value) <= tree.depth


# Scalars chosen to exercise the resolver: numbers, booleans, nulls, dates and strings that look like them.
TRICKY = st.sampled_from(
    [
        "1",
        "01",
        "0x10",
        "1e3",
        "1.0",
        ".5",
        "yes",
        "No",
        "on",
        "OFF",
        "~",
        "null",
        "",
        "2024-02-29",
        "=",
        "<<",
        "a: b",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    TRICKY,
    st.dates().map(lambda d: datetime.date(d.year, d.month, d.day)),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), TRICKY, st.integers()), children, max_size=4),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(value=VALUES, flow=st.sampled_from([None, True, False]), style=st.sampled_from([None, "'", '"']))
def test_any_dumped_value_loads_identically(value: Any, flow: bool | None, style: str | None) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, default_style=style, allow_unicode=True)
    assert repr(fastyaml.load(text)) == repr(reference(text))


def _depth(value: Any, at: int = 0) -> int:
    """How deep containers nest below `value` (the root container is 0; -1 for a scalar)."""
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
    if children is None:
        return at - 1
    return max([at, *(_depth(c, at + 1) for c in children)])


def _values(value: Any) -> int:
    """Values once aliases are expanded, counted as `check_tree` counts them (keys are not values)."""
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return 1 + sum(_values(c) for c in children)


@settings(max_examples=200, deadline=None)
@given(value=VALUES, flow=st.sampled_from([None, True, False]))
def test_load_tree_counts_the_nesting_the_alias_walk_counts(value: Any, flow: bool | None) -> None:
    """`load_tree`'s depth lets `document.parse_text` skip the walk: without aliases it is the walk's."""
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    tree = fastyaml.build_tree(text)
    assert repr(tree.value) == repr(reference(text)) == repr(fastyaml.load(text))
    assert (tree.depth, tree.extra) == (max(_depth(tree.value), 0), 0)
    assert _values(tree.value) <= len(text) + 1


@settings(max_examples=200, deadline=None)
@given(shared=VALUES, other=VALUES, flow=st.sampled_from([None, True, False]))
def test_load_tree_bounds_what_aliases_expand_to(shared: Any, other: Any, flow: bool | None) -> None:
    """With aliases (a value dumped twice is an anchor and an alias), the bounds still hold."""
    nested = {"x": [shared, {"y": shared}]}
    text = yaml.safe_dump({"a": shared, "b": nested, "c": [other, nested]}, default_flow_style=flow)
    for tree in (fastyaml.build_tree(text), fastyaml.load_tree(text)):
        assert repr(tree.value) == repr(reference(text))
        if tree.depth is not None:
            assert _depth(tree.value) <= tree.depth
            assert _values(tree.value) <= len(text) + 1 + tree.extra


def test_load_tree_bounds() -> None:
    # The Rust loader: its depth limit, and one byte of alias expansion per byte of the text.
    assert fastyaml.load_tree("a: [[1]]\n", max_depth=10) == fastyaml.Tree({"a": [[1]]}, 10)
    assert fastyaml.load_tree("a: &x [1]\nb: *x\n").extra == 64 * 1024
    # The event builder counts.
    assert fastyaml.build_tree("a: [[1]]\nb: {c: []}\n") == fastyaml.Tree({"a": [[1]], "b": {"c": []}}, 2)
    # An alias to a container: its values counted again, nested where it stands.
    tree = fastyaml.build_tree("a: &x [[1]]\nb: *x\n")
    assert (
        tree.value["a"] is tree.value["b"] and tree.depth is not None and tree.depth >= 2 and tree.extra >= 3
    )
    # An alias inside the container it names, or to a container holding aliases: only a walk can tell.
    assert fastyaml.build_tree("a: &x [1, *x]\n").depth is None
    assert fastyaml.build_tree("a: &x [1]\nb: &y [*x, *x]\nc: *y\n").depth is None
    # Aliases to scalars share nothing.
    assert fastyaml.build_tree("a: &x 1\nb: *x\n") == fastyaml.Tree({"a": 1, "b": 1}, 0)
