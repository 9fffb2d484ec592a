"""check/shapes.py: the pruned walk that names undocumented fields equals the full flatten, filtered."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apidrift.check.shapes import flatten_value, undocumented_paths

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
