"""The fields a JSON value has (`data[].results`) with the JSON types seen there, and which of them
a version does not document: walked without recursion, once per body for every version."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from apidrift.check.schema_facts import TYPE_OF_VALUE
from apidrift.check.shapes import join


def undocumented_paths(value: Any, documented: Collection[str], declares: Collection[str]) -> dict[str, str]:
    """The outermost field paths of `value` that are not `documented` below an object or array that
    `declares` fields, with the JSON types seen there. Equal to filtering `flatten_value`, but it
    never descends below an undocumented field or into a free-form map, and never recurses."""
    found: dict[str, set[str]] = {}
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, path = stack.pop()
        if path not in declares:
            continue  # a free-form map, or a scalar: nothing below it is undocumented
        if isinstance(node, dict):
            children: Iterable[tuple[str, Any]] = ((join(path, str(k)), v) for k, v in node.items())
        elif isinstance(node, list):
            children = ((f"{path}[]", item) for item in node)
        else:
            continue
        for child, sub in children:
            if child in documented:
                stack.append((sub, child))
            else:
                found.setdefault(child, set()).add(_type_of(sub))
    return {k: "|".join(sorted(v)) for k, v in sorted(found.items())}


class BodyFields:
    """A body's fields as (parent path, field path) edges with the JSON types seen on each, walked
    once (on first use) and shared by every version's strict check of that body."""

    __slots__ = ("_edges", "ambiguous", "descend", "value")

    def __init__(self, value: Any, descend: Collection[str] | None = None) -> None:
        self.value = value
        # Paths below which some version declares fields (the union of their `declares`): the walk
        # never enters anything else, as no version's check would look there.
        self.descend = descend
        self._edges: dict[str, dict[str, set[type]]] | None = None
        # A key with `.` or `[]` in it can spell the same path as another chain of keys.
        self.ambiguous = False

    @property
    def edges(self) -> dict[str, dict[str, set[type]]]:
        """parent path -> field path -> Python types seen there; a parent comes before its fields."""
        if self._edges is None:
            # Hand-inlined (no helper calls, types as classes): this loop is the strict check's cost.
            edges: dict[str, dict[str, set[type]]] = {}
            descend = self.descend
            queue: list[tuple[Any, str]] = [(self.value, "")]
            for node, path in queue:  # breadth first: the list grows while it is read
                if descend is not None and path not in descend:
                    continue
                kind = type(node)
                if kind is dict:
                    kids = edges.setdefault(path, {})
                    prefix = path + "." if path else ""
                    for key, sub in node.items():
                        if "." in key or "[" in key:
                            self.ambiguous = True
                        child = prefix + key
                        seen = kids.get(child)
                        sub_kind = type(sub)
                        if seen is None:
                            kids[child] = {sub_kind}
                        else:
                            seen.add(sub_kind)
                        if sub_kind is dict or sub_kind is list:
                            queue.append((sub, child))
                elif kind is list and node:
                    child = path + "[]"
                    types = edges.setdefault(path, {}).setdefault(child, set())
                    for sub in node:
                        sub_kind = type(sub)
                        types.add(sub_kind)
                        if sub_kind is dict or sub_kind is list:
                            queue.append((sub, child))
            self._edges = edges
        return self._edges

    def undocumented(self, documented: Collection[str], declares: Collection[str]) -> dict[str, str]:
        """What `undocumented_paths(self.value, documented, declares)` returns, from the shared edges:
        a field is reached when its parent is reached, declares fields and documents it."""
        edges = self.edges
        if self.ambiguous:  # paths no longer name one chain of keys: walk the body itself
            return undocumented_paths(self.value, documented, declares)
        reached = {""}
        found: dict[str, str] = {}
        for parent, kids in edges.items():
            if parent not in reached or parent not in declares:
                continue
            for child, kinds in kids.items():
                if child in documented:
                    reached.add(child)
                else:
                    found[child] = "|".join(sorted({_TYPE_NAMES.get(k, "object") for k in kinds}))
        return dict(sorted(found.items()))


# JSON types by Python class (a JSON parser makes no other containers than dict and list).
_TYPE_NAMES: dict[type, str] = {**TYPE_OF_VALUE, list: "array", dict: "object"}


def _type_of(value: Any) -> str:
    return TYPE_OF_VALUE.get(type(value), "array" if isinstance(value, list) else "object")


def flatten_value(value: Any, path: str = "") -> dict[str, str]:
    """The field paths of a JSON value with the JSON type seen at each (lists merge their items)."""
    out: dict[str, set[str]] = {}
    _walk_value(value, path, out)
    return {k: "|".join(sorted(v)) for k, v in sorted(out.items())}


def _walk_value(value: Any, path: str, out: dict[str, set[str]]) -> None:
    out.setdefault(path, set()).add(
        TYPE_OF_VALUE.get(type(value), "array" if isinstance(value, list) else "object")
    )
    if isinstance(value, dict):
        for key, sub in value.items():
            _walk_value(sub, join(path, str(key)), out)
    elif isinstance(value, list):
        for item in value:
            _walk_value(item, f"{path}[]", out)
