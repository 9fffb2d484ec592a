"""fastyaml.py: the event-built loader returns what PyYAML's own loader returns (timestamps kept as
text), or raises the same."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import apidrift.openapi.fastyaml as fastyaml


def reference(text: str) -> Any:
    return yaml.load(text, Loader=fastyaml.json_loader())


@pytest.mark.parametrize("load", [fastyaml.load, reference], ids=["fast", "fallback"])
def test_timestamps_stay_text_so_every_value_is_json(load: Any) -> None:
    """An unquoted `version: 2024-10-01` in an example is data; PyYAML alone would make it a date."""
    text = "version: 2024-10-01\nwhen: 2001-12-14t21:59:43.10-05:00\ntagged: !!timestamp 2024-01-31\n"
    assert isinstance(yaml.load(text, Loader=fastyaml.safe_loader())["version"], datetime.date)
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
    "value key": "=: value\n",
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
    "unknown value tag": "a: =\n",
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_documents_load_as_pyyaml_loads_them(text: str) -> None:
    expected, got = reference(text), fastyaml.load(text)
    if isinstance(expected, list) and expected and expected[0] is expected:
        assert got[0] is got  # the recursive alias is the list itself, as in PyYAML
        return
    assert repr(got) == repr(expected)  # same values and types (True vs 1, date vs str; nan too)


@pytest.mark.parametrize("text", ERRORS.values(), ids=ERRORS.keys())
def test_errors_are_pyyamls_errors(text: str) -> None:
    expected = outcome(reference, text)
    assert expected[0] != "value"
    assert outcome(fastyaml.load, text) == expected


def test_aliases_share_one_object_as_in_pyyaml() -> None:
    loaded = fastyaml.load("a: &x [1]\nb: *x\n")
    assert loaded["a"] is loaded["b"]


def test_bytes_input() -> None:
    assert fastyaml.load("a: é\n".encode()) == {"a": "é"}


def test_plain_documents_do_not_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The speed comes from the event path; ordinary OpenAPI YAML must never need PyYAML's loader."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("fell back to yaml.load")

    monkeypatch.setattr(fastyaml.yaml, "load", refuse)
    text = DOCUMENTS["anchors and aliases"] + DOCUMENTS["implicit scalars"] + "x: {y: [1, 'a', null]}\n"
    assert fastyaml.load(text)["x"] == {"y": [1, "a", None]}


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
    tree = fastyaml.load_tree(text)
    assert repr(tree.value) == repr(reference(text))
    assert (tree.depth, tree.extra) == (max(_depth(tree.value), 0), 0)
    assert _values(tree.value) <= len(text) + 1


@settings(max_examples=200, deadline=None)
@given(shared=VALUES, other=VALUES, flow=st.sampled_from([None, True, False]))
def test_load_tree_bounds_what_aliases_expand_to(shared: Any, other: Any, flow: bool | None) -> None:
    """With aliases (a value dumped twice is an anchor and an alias), the bounds still hold."""
    nested = {"x": [shared, {"y": shared}]}
    text = yaml.safe_dump({"a": shared, "b": nested, "c": [other, nested]}, default_flow_style=flow)
    tree = fastyaml.load_tree(text)
    assert repr(tree.value) == repr(reference(text))
    if tree.depth is not None:
        assert _depth(tree.value) <= tree.depth
        assert _values(tree.value) <= len(text) + 1 + tree.extra


def test_load_tree_bounds() -> None:
    assert fastyaml.load_tree("a: [[1]]\nb: {c: []}\n") == fastyaml.Tree({"a": [[1]], "b": {"c": []}}, 2)
    # An alias to a container: its values counted again, nested where it stands.
    tree = fastyaml.load_tree("a: &x [[1]]\nb: *x\n")
    assert (
        tree.value["a"] is tree.value["b"] and tree.depth is not None and tree.depth >= 2 and tree.extra >= 3
    )
    # An alias inside the container it names, or to a container holding aliases: only a walk can tell.
    assert fastyaml.load_tree("a: &x [1, *x]\n").depth is None
    assert fastyaml.load_tree("a: &x [1]\nb: &y [*x, *x]\nc: *y\n").depth is None
    # Aliases to scalars share nothing.
    assert fastyaml.load_tree("a: &x 1\nb: *x\n") == fastyaml.Tree({"a": 1, "b": 1}, 0)
