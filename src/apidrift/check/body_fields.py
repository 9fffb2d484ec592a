"""The fields a JSON value has (`data[].results`) with the JSON types seen there, and which of them
a version does not document: walked without recursion, each object's keys compared as a set."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

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


@dataclass(frozen=True, slots=True)
class _Node:
    """What one documented path that declares fields admits: its keys, and where to go below it."""

    names: frozenset[str]  # every key whose path (`join(path, key)`) is documented
    # Documented keys whose values declare fields of their own, with their paths: the walk goes there.
    below: dict[str, str]
    below_names: frozenset[str]
    items: bool  # `path[]` documented: a list's items are not undocumented
    items_below: bool  # `path[]` declares fields: the walk goes into each item
    item_path: str  # `path[]`


class FieldPlan:
    """The documented paths of one response that declare fields, keyed by path: what the walk for
    undocumented fields needs, built once per (version, operation, status) rather than per body."""

    __slots__ = ("_drifted", "_item_checks", "_order", "_schemas", "_wasted", "documented", "nodes")

    def __init__(self, documented: Collection[str], declares: Collection[str]) -> None:
        self.documented = documented
        names: dict[str, set[str]] = {path: set() for path in declares}
        below: dict[str, dict[str, str]] = {path: {} for path in declares}
        for path in documented:
            for parent, key in _splits(path):
                if parent in names:
                    names[parent].add(key)
                    if path in declares:
                        below[parent][key] = path
        self.nodes = {
            path: _Node(
                frozenset(keys),
                below[path],
                frozenset(below[path]),
                f"{path}[]" in documented,
                f"{path}[]" in declares,
                f"{path}[]",
            )
            for path, keys in names.items()
        }
        self._schemas: dict[str, Any] | None = None
        self._order: dict[str, str] = {}  # each path's definition name in `_schemas`
        self._item_checks: dict[str, Callable[[Any], bool]] = {}
        # Checks of the items at a path admitting the fields found there (a state), and the walks
        # each state's check would have spared while not compiled.
        self._drifted: dict[_State, Callable[[Any], bool]] = {}
        self._wasted: dict[_State, int] = {}

    def keys_schema(self, path: str = "") -> dict[str, Any]:
        """A JSON Schema that admits `value` (found at `path`) only if the walk from there finds
        nothing: each documented object closed to its documented keys, each list whose items are
        undocumented empty. A validator compiled from it says "nothing undocumented" without the walk."""
        if self._schemas is None:
            self._order = {path: str(i) for i, path in enumerate(sorted(self.nodes))}
            self._schemas = self._keys_schemas()
        if path not in self.nodes:
            return {"$schema": _DIALECT}
        return {"$schema": _DIALECT, "$defs": self._schemas, "$ref": f"#/$defs/{self._order[path]}"}

    def _keys_schemas(self) -> dict[str, Any]:
        # One definition per path that declares fields, referred to by each parent: a key spelled
        # like a path (`project.archived`) is documented below several ancestors at once, and
        # inlined, each schema below it would repeat once per ancestor.
        order = self._order
        defs: dict[str, Any] = {}
        for path, node in self.nodes.items():
            properties = {
                key: {"$ref": f"#/$defs/{order[child]}"} if child in order else True
                for key in sorted(node.names)
                for child in (join(path, key),)
            }
            schema: dict[str, Any] = {"properties": properties, "additionalProperties": False}
            if node.items_below:
                schema["items"] = {"$ref": f"#/$defs/{order[node.item_path]}"}
            elif not node.items:
                schema["items"] = False
            defs[order[path]] = schema
        return defs

    def _item_check(self, path: str) -> Callable[[Any], bool]:
        """The compiled key check of the items at `path` (`data[]`): on a page of many items, the
        walk goes only into those it refuses."""
        check = self._item_checks.get(path)
        if check is None:
            check = self._item_checks[path] = jsonschema_rs.validator_for(self.keys_schema(path)).is_valid
        return check

    def undocumented(self, value: Any) -> dict[str, str] | None:
        """What `undocumented_paths` returns for `value`, found by comparing each object's keys with
        the documented ones as sets (no Python step per documented key); None for a container of
        another class than dict or list, which only the string walk knows how to read."""
        found: dict[str, set[str]] = {}
        if not self._walk([(value, "")], found, pages=True):
            return None
        return {k: "|".join(sorted(v)) for k, v in sorted(found.items())}

    def _walk(self, stack: list[tuple[Any, str]], found: dict[str, set[str]], *, pages: bool) -> bool:
        """Walk `stack` to its end, adding to `found`; False on a container of another class than
        dict or list. `pages`: lists of several objects go through `_page` (not below one: no recursion
        deeper than one page)."""
        nodes = self.nodes
        while stack:
            node, path = stack.pop()
            plan = nodes.get(path)
            if plan is None:
                continue  # a free-form map, or a scalar: nothing below it is undocumented
            kind = type(node)
            if kind is dict:
                self._object(node, path, plan, found, stack)
            elif kind is list:
                if not node:
                    continue
                if not plan.items:
                    found.setdefault(plan.item_path, set()).update(_type_of(sub) for sub in node)
                elif plan.items_below:
                    if pages and len(node) > 1:
                        if not self._page(node, plan.item_path, found):
                            return False
                        continue
                    # The items of a list, read here rather than each pushed and popped.
                    child = plan.item_path
                    inner = nodes[child]
                    for sub in node:
                        if type(sub) is dict:
                            self._object(sub, child, inner, found, stack)
                        elif type(sub) not in _SCALARS:
                            stack.append((sub, child))
            elif isinstance(node, (dict, list)):
                return False  # a subclass: the string walk decides what it holds
        return True

    def _page(self, items: list[Any], child: str, found: dict[str, set[str]]) -> bool:
        """The items (at `child`, `data[]`) of a list page: each walked whole, unless a compiled check
        says walking it would add nothing to `found`. That check is the items' key check, and once
        items drifted, the same check also admitting what was found below `child` (with the JSON
        types seen there): on pages whose items drift alike, one item a page is walked, not each."""
        check = base = self._item_check(child)
        last: _State | None = None
        for sub in items:
            if type(sub) in _SCALARS or (type(sub) is dict and admitted(check, sub)):
                continue
            if not self._walk([(sub, child)], found, pages=False):
                return False
            if len(found) > _MAX_DRIFTED_FIELDS:
                continue  # countless fields: the walk names them anyway, a check would rarely admit
            state = (child, frozenset((p, frozenset(t)) for p, t in found.items() if p.startswith(child)))
            drifted = self._drifted.get(state)
            if drifted is None and state == last:
                # This walk found nothing new: a check of this state would have cleared the item.
                drifted = self._wasted_walk(state)
            check, last = drifted or base, state
        return True

    def _wasted_walk(self, state: _State) -> Callable[[Any], bool] | None:
        """Count a walk a check of `state` would have spared; once `_WORTH_COMPILING` were counted,
        the check is compiled (at most `_MAX_DRIFTED_CHECKS` a response) and kept. A drift that does
        not recur item after item (one item renamed) is never compiled."""
        wasted = self._wasted.get(state, 0) + 1
        if wasted < _WORTH_COMPILING or len(self._drifted) >= _MAX_DRIFTED_CHECKS:
            if len(self._wasted) >= _MAX_STATES:
                self._wasted.clear()
            self._wasted[state] = wasted
            return None
        self._wasted.pop(state, None)
        check = self._drifted[state] = jsonschema_rs.validator_for(self._drifted_schema(*state)).is_valid
        return check

    def _drifted_schema(self, child: str, seen: frozenset[tuple[str, frozenset[str]]]) -> dict[str, Any]:
        """`keys_schema(child)` with each field of `seen` admitted wherever its path is (as a documented
        field would be), only with the types seen there; only the definitions `child` reaches."""
        defs = dict(self.keys_schema(child)["$defs"])
        order = self._order
        patched: set[str] = set()

        def patch(parent: str) -> dict[str, Any]:
            name = order[parent]
            if name not in patched:
                patched.add(name)
                defs[name] = {**defs[name], "properties": dict(defs[name]["properties"])}
            schema: dict[str, Any] = defs[name]
            return schema

        for path, types in seen:
            leaf = _values_of(types)
            for parent, key in _splits(path):
                if parent in order:
                    patch(parent)["properties"][key] = leaf
            if path.endswith("[]") and path[:-2] in order:
                patch(path[:-2])["items"] = leaf
        reached: set[str] = set()
        todo = [order[child]]
        while todo:
            name = todo.pop()
            if name not in reached:
                reached.add(name)
                schema = defs[name]
                todo += [sub["$ref"][len("#/$defs/") :] for sub in _subschemas(schema) if "$ref" in sub]
        ref = f"#/$defs/{order[child]}"
        return {"$schema": _DIALECT, "$defs": {name: defs[name] for name in sorted(reached)}, "$ref": ref}

    def _object(
        self,
        node: dict[Any, Any],
        path: str,
        plan: _Node,
        found: dict[str, set[str]],
        stack: list[tuple[Any, str]],
    ) -> None:
        if not node.keys() <= plan.names:
            # Every documented string key is in `names`: what is left is undocumented, unless a key
            # that is not a string names a documented path once written out.
            prefix = f"{path}." if path else ""
            for key in node.keys() - plan.names:
                if type(key) is str:
                    child = prefix + key
                else:
                    child = join(path, str(key))
                    if child in self.documented:
                        stack.append((node[key], child))
                        continue
                kinds = found.get(child)
                if kinds is None:
                    kinds = found[child] = set()
                kinds.add(_type_of(node[key]))
        if plan.below_names:
            below = plan.below
            # The smaller side is iterated (an object of many keys, or a node of many documented ones).
            for key in node.keys() & plan.below_names:
                stack.append((node[key], below[key]))


_State = tuple[str, frozenset[tuple[str, frozenset[str]]]]


def _splits(path: str) -> list[tuple[str, str]]:
    """Every (parent, key) whose `join` is `path`: the root with the whole path as its key, and each
    prefix ending before a dot. A key spelled like a path (`project.archived`) is documented where its
    path is, as the string walk reads it."""
    return [("", path)] + [(path[:i], path[i + 1 :]) for i, c in enumerate(path) if c == "." and i]


def _subschemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The subschemas of one key-check definition that are objects (`$ref`s, type checks)."""
    out = [sub for sub in schema["properties"].values() if isinstance(sub, dict)]
    items = schema.get("items")
    return [*out, items] if isinstance(items, dict) else out


def admitted(check: Callable[[Any], bool], value: Any) -> bool:
    """`check(value)`, with a value jsonschema-rs cannot read (a key that is not a string) refused:
    the walk can read it."""
    try:
        return check(value)
    except ValueError:
        return False


_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Bounds on the drifted checks of one response: fields found in a body, compiled checks, states seen.
_MAX_DRIFTED_FIELDS = 64
_MAX_DRIFTED_CHECKS = 8
_MAX_STATES = 1024
# Walks a drifted check would have spared before it is compiled: compiling costs 0.05-2 ms here, a
# walk of one item 3-8 µs, so a check pays for itself after tens to hundreds of items.
_WORTH_COMPILING = 32
# JSON types a schema can admit only where the walk names that type: jsonschema-rs reads `1.0` as an
# integer and a tuple as an array (the walk: `number`, `object`), and rejects other Python classes.
_EXACT_TYPES = ("boolean", "null", "object", "string")


def _values_of(types: frozenset[str]) -> Any:
    """A schema admitting only values whose JSON type (as `_type_of` names it) is one of `types`."""
    admit: list[str] = [t for t in _EXACT_TYPES if t in types]
    if "array" in types and "object" in types:
        admit.append("array")
    if "number" in types and "integer" in types:
        admit.append("number")
    elif "number" in types:
        fractional = {"type": "number", "not": {"type": "integer"}}
        return {"anyOf": [{"type": admit}, fractional]} if admit else fractional
    return {"type": admit} if admit else False


_SCALARS = frozenset({str, int, float, bool, type(None)})


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
