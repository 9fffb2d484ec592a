"""check/body_fields.py: the compiled key check that spares most bodies the walk for undocumented
fields must never clear a body the walk would name a field of."""

from __future__ import annotations

import random
from typing import Any
from unittest.mock import patch

import jsonschema_rs
import pytest
import test_closed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_closed import objects_in

from apidrift.check import body_fields
from apidrift.check.body_fields import FieldPlan, flatten_value, undocumented_paths
from apidrift.generate.strategies import from_schema


def _parent(path: str) -> str:
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


def _ancestors(path: str) -> list[str]:
    out = []
    while path:
        path = _parent(path)
        out.append(path)
    return out


def _documented(schema_like: Any, keep: int) -> tuple[set[str], frozenset[str]]:
    """Documented paths, prefix-closed as a flattened schema's are, and those that declare fields."""
    paths = sorted(flatten_value(schema_like))
    documented = {p for i, p in enumerate(paths) if keep >> (i % 16) & 1 or p == ""}
    documented = {p for p in documented if all(q in documented for q in _ancestors(p))}
    return documented, frozenset(_parent(p) for p in documented if p) & documented


def _json(keys: list[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=3),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(keys), inner, max_size=4),
        max_leaves=25,
    )


PLAIN = _json(["a", "b", "c", "data", "id"])
ODD = _json(["a", "b", "a.b", ".b", "x[]", "x", "", "data", "id"])


@settings(max_examples=400, deadline=None)
@given(schema_like=PLAIN, body=PLAIN, keep=st.integers(0, 2**16))
def test_the_key_check_admits_exactly_the_bodies_the_walk_finds_nothing_in(
    schema_like: Any, body: Any, keep: int
) -> None:
    _assert_the_check_admits_what_the_walk_passes(schema_like, body, keep)


@settings(max_examples=400, deadline=None)
@given(schema_like=ODD, body=ODD, keep=st.integers(0, 2**16))
def test_keys_spelled_like_paths_are_checked_as_the_walk_reads_them(
    schema_like: Any, body: Any, keep: int
) -> None:
    """`a.b`, `x[]`, `.b`, the empty key: documented wherever their path is, as the string walk reads them."""
    _assert_the_check_admits_what_the_walk_passes(schema_like, body, keep)


def _assert_the_check_admits_what_the_walk_passes(schema_like: Any, body: Any, keep: int) -> None:
    documented, declares = _documented(schema_like, keep)
    plan = FieldPlan(documented, declares)
    admitted = jsonschema_rs.validator_for(plan.keys_schema()).is_valid(body)
    assert admitted == (not undocumented_paths(body, documented, declares))


def test_the_key_check_closes_documented_objects_and_lists_whose_items_are_not_documented() -> None:
    documented = {"", "data", "data[]", "data[].id", "meta", "tags"}
    declares = frozenset({"", "data", "data[]"})
    check = jsonschema_rs.validator_for(FieldPlan(documented, declares).keys_schema())
    assert check.is_valid({"data": [{"id": 1}], "meta": {"free": "form"}, "tags": [1]})
    assert not check.is_valid({"data": [{"id": 1, "extra": 2}]})
    assert not check.is_valid({"other": 1})
    assert check.is_valid({"data": []})


# --- list pages: a check compiled from what earlier items drifted by spares walking the rest ----

# Values jsonschema-rs and the walk could type differently: `1.0` (an integer to jsonschema-rs, a
# number to the walk), a tuple (an array to jsonschema-rs, an object to the walk).
ODD_VALUES = st.sampled_from([1, 1.0, 1.5, 2**70, "s", None, True, [1], (1,), {"a": 1}, {"zz": [1.0]}])
DRIFT_KEYS = st.sampled_from(["zz", "yy", "a", "b", "a.b", "zz.a", "data"])


@settings(max_examples=300, deadline=None)
@given(
    schema_like=PLAIN,
    keep=st.integers(0, 2**16),
    items=st.lists(st.dictionaries(DRIFT_KEYS, ODD_VALUES | PLAIN, max_size=3), min_size=2, max_size=8),
    pages=st.lists(st.permutations(range(8)), min_size=1, max_size=4),
)
def test_pages_whose_items_drift_alike_report_what_the_walk_reports(
    schema_like: Any, keep: int, items: list[dict[str, Any]], pages: list[list[int]]
) -> None:
    """However items drift (keys, nested keys, values jsonschema-rs types otherwise than the walk),
    pages walked one after the other (so that drifted checks get compiled and reused) report what the
    string walk reports."""
    documented, declares = _documented({"data": [schema_like], "id": 1}, keep)
    plan = FieldPlan(documented, declares)
    with patch.object(body_fields, "_WORTH_COMPILING", 1):  # a check at the first walk it would spare
        for order in pages:
            body = {"data": [items[i] for i in order if i < len(items)], "id": "x"}
            assert plan.undocumented(body) == undocumented_paths(body, documented, declares)


def _page_plan() -> FieldPlan:
    documented = {"", "object", "data", "data[]", "data[].id", "data[].meta", "data[].meta.n"}
    return FieldPlan(documented, frozenset({"", "data", "data[]", "data[].meta"}))


def test_a_page_drifting_alike_compiles_one_check_and_still_reports_what_else_drifts() -> None:
    plan = _page_plan()
    page = {"object": "list", "data": [{"id": i, "meta": {"n": i}, "zz": "s"} for i in range(20)]}
    assert plan.undocumented(page) == {"data[].zz": "string"}
    assert not plan._drifted  # 19 walks it would have spared: not yet worth compiling
    for _ in range(2):
        assert plan.undocumented(page) == {"data[].zz": "string"}
    assert len(plan._drifted) == 1  # compiled once, on the second page, and reused
    # The compiled check admits `zz` only as a string: any other type, key or nested key is walked.
    other = {
        "data": [
            *page["data"],
            {"id": 1, "zz": 2},
            {"id": 2, "zz": "s", "meta": {"n": 1, "x": None}},
            {"id": 3, "zz": "s", "yy": [1]},
        ]
    }
    assert plan.undocumented(other) == {
        "data[].meta.x": "null",
        "data[].yy": "array",
        "data[].zz": "integer|string",
    }


def test_a_drifted_check_admits_what_was_found_and_nothing_else() -> None:
    """Undocumented fields, nested ones, and the items of a list whose items are undocumented: each
    admitted with the types seen, so an item drifting the same way is cleared without a walk."""
    # `tags` is documented as an object (`tags.a`): a list there has undocumented items.
    documented = {"", "data", "data[]", "data[].id", "data[].tags", "data[].tags.a", "data[].meta"}
    plan = FieldPlan(documented, frozenset({"", "data", "data[]", "data[].tags", "data[].meta"}))
    item = {"id": 1, "tags": ["a"], "meta": {"x": None}, "zz": {"free": 1}}
    for _ in range(2):
        assert plan.undocumented({"data": [item] * 20}) == {
            "data[].meta.x": "null",
            "data[].tags[]": "string",
            "data[].zz": "object",
        }
    (check,) = plan._drifted.values()
    assert check({"id": 2, "tags": ["b", "c"], "meta": {"x": None}, "zz": {}})
    assert check({"id": 2})
    assert not check({"id": 2, "tags": [1]})
    assert not check({"id": 2, "meta": {"x": "now a string"}})
    assert not check({"id": 2, "zz": [1]})
    assert not check({"id": 2, "yy": 1})


def test_a_drift_that_does_not_recur_item_after_item_is_never_compiled() -> None:
    """One renamed item a page: the items' own key check clears the rest, no walk is wasted."""
    plan = _page_plan()
    for n in range(100):
        page = {"data": [{"id": i, "meta": {"n": i}} for i in range(20)]}
        page["data"][n % 20][f"id_{n}"] = page["data"][n % 20].pop("id")
        assert plan.undocumented(page) == {f"data[].id_{n}": "integer"}
    assert not plan._drifted


def test_numbers_are_admitted_only_where_the_walk_would_name_the_same_type() -> None:
    """jsonschema-rs reads `1.0` as an integer; the walk names it `number`."""
    plan = _page_plan()
    ints = {"data": [{"id": i, "zz": i} for i in range(40)]}
    fractions = {"data": [{"id": i, "zz": i + 0.5} for i in range(40)]}
    for _ in range(2):
        assert plan.undocumented(ints) == {"data[].zz": "integer"}
        assert plan.undocumented(fractions) == {"data[].zz": "number"}
    both = {"data[].zz": "integer|number"}
    assert plan.undocumented({"data": [*ints["data"], {"id": 9, "zz": 1.0}]}) == both
    assert plan.undocumented({"data": [*fractions["data"], {"id": 9, "zz": 1.0}]}) == {"data[].zz": "number"}
    assert plan.undocumented({"data": [*fractions["data"], {"id": 9, "zz": 2}]}) == both


# --- the validator: the check in front of the walk changes nothing it reports --------------------

# The recorded operations and their validators, as test_closed.py builds them.
STORE, VALIDATORS, PAIRS = test_closed.STORE, test_closed.VALIDATORS, test_closed.PAIRS


def _drift(value: Any, rng: random.Random) -> Any:
    """`value` with one object given an extra key, or one of its keys renamed, or one value retyped."""
    objects = objects_in(value)
    if objects:
        target = rng.choice(objects)
        how = rng.randrange(3)
        if how == 0 or not target:
            target["zz_undocumented"] = 1
        elif how == 1:
            key = rng.choice(sorted(target))
            target[key + "_renamed"] = target.pop(key)
        else:
            target[rng.choice(sorted(target))] = [True]
    return value


@pytest.mark.parametrize("label", sorted(VALIDATORS))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_strict_results_equal_the_walk_and_the_explaining_path(
    label: str, data: st.DataObject, seed: int
) -> None:
    """Valid, invalid and drifted bodies: `validate(strict=True)` reports what the open schema's
    explanation and the walk report, whichever compiled checks it took first."""
    validator = VALIDATORS[label]
    _, op_id, status = data.draw(st.sampled_from([p for p in PAIRS if p[0] == label]))
    version = validator.version
    body = data.draw(from_schema(version.operation(op_id).responses[status].schema, version.schemas))
    if data.draw(st.booleans()):
        body = _drift(body, random.Random(seed))
    walk = undocumented_paths(body, validator.field_shapes(op_id, status), validator.declares(op_id, status))
    result = validator.validate(op_id, status, body, strict=True)
    assert result.violations == validator.violations(op_id, status, body)
    assert {u.field: u.json_type for u in result.undocumented} == walk
    assert [u.field for u in result.undocumented] == list(walk)
