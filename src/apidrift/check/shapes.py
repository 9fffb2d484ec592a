"""Flatten a schema or a JSON value into field paths (`data[].results`) with their shape facts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from apidrift.check.field_shape import (
    FALSE_SCHEMA,
    FieldShape,
    at_path,
    join,
    merged,
    new_shape,
    origin_below,
    with_constraints,
)
from apidrift.check.schema_facts import (
    ANNOTATION_KEYWORDS,
    CONJOINED,
    CONSTRAINT_KEYWORDS,
    DETAIL_KEYWORDS,
    INLINED,
    PARTIAL,
    SCHEMA_VALUED,
    WALKED_APPLICATORS,
    AllOf,
    conjoined,
    enum_of,
    hashable,
    inline_refs,
    is_constraining,
    partial,
    ref_with_siblings,
    refs_in,
    requires_unschemed,
    says_nothing,
    tightest,
    trimmed_prefix,
    types_of,
    unschemed_required,
)
from apidrift.contracts.budget import WalkBudget
from apidrift.contracts.model import JSONSchema
from apidrift.contracts.operations import is_lifecycle_extension
from apidrift.contracts.refs import target
from apidrift.errors import ContractError

# Re-exported: callers import them from here, as they always have.
__all__ = [
    "CONSTRAINT_KEYWORDS",
    "FALSE_SCHEMA",
    "PARTIAL",
    "FieldShape",
    "SchemaFlattener",
    "join",
    "refs_in",
]

_COMBINATORS = ("anyOf", "oneOf", "allOf")
_COMBINATOR_SET = frozenset(_COMBINATORS)
_ANNOTATION_SET = frozenset(ANNOTATION_KEYWORDS)
INLINE = "(inline)"


@dataclass(frozen=True)
class _Twin:
    flattener: SchemaFlattener
    same: Callable[[str], bool]


_UNKNOWN: Final = object()
_ANYTHING: Final[JSONSchema] = {}
_NOTHING: Final[JSONSchema] = {"not": {}}


class SchemaFlattener:
    """Walks schemas through `$ref`s into named definitions, merging union members by field name."""

    def __init__(self, defs: Mapping[str, JSONSchema], *, detail: bool = False, cache: bool = True) -> None:
        self.defs = defs
        # A diff also wants the 2020-12 keywords, annotations and schemas under additionalProperties.
        self.detail = detail
        self._keywords = frozenset(CONSTRAINT_KEYWORDS + DETAIL_KEYWORDS if detail else CONSTRAINT_KEYWORDS)
        # The fields below each named schema, flattened once: operations share components, and
        # flattening them again for every operation was most of a whole-document diff.
        self._cache = cache
        self._below: dict[str, dict[str, FieldShape]] = {}
        self._reach: dict[str, frozenset[str]] = {}
        self._direct: dict[str, set[str]] = {}
        self._named_members: dict[str, list[JSONSchema]] = {}
        self._member_names: dict[str, frozenset[str]] = {}
        self._values: dict[tuple[str, str], tuple[Any, ...] | None] = {}
        self._twin: _Twin | None = None
        self._budget = WalkBudget("flattening a schema into fields")
        # The named schemas whose members are being worked out, outermost first: one met again
        # before a property or an item is entered is a loop (see `_members_below`).
        self._expanding: list[str] = []

    def deref(self, node: JSONSchema, refs: tuple[str, ...] = ()) -> tuple[JSONSchema, tuple[str, ...]]:
        """The schema `node` is, its `$ref`s followed (their names appended to `refs`); a reference
        that names no schema, or a chain of them that comes back to itself, is a ContractError."""
        if node.__class__ is bool:  # type: ignore[comparison-overlap]  # JSON Schema `true`/`false`
            return ({} if node else FALSE_SCHEMA), refs
        while isinstance(node, dict) and "$ref" in node:
            name, node = target(self.defs, node["$ref"], where=f"schema {refs[-1]!r}" if refs else "")
            if name in refs:
                _refuse_loop([*refs[refs.index(name) :], name])
            refs = (*refs, name)
        if isinstance(node, bool):  # a boolean schema: `true` admits anything, `false` nothing
            node = _ANYTHING if node else _NOTHING
        return node, refs

    def flatten(self, schema: JSONSchema | None) -> dict[str, FieldShape]:
        """Every field path below the root of `schema` (the root itself is the path "")."""
        out: dict[str, FieldShape] = {}
        if schema is not None:
            # Each flatten gets its own budget: shared parts revisited through unions can grow
            # exponentially even in a small schema (`WalkBudgetError` stops it).
            self._budget = WalkBudget("flattening a schema into fields")
            self._walk(schema, "", True, out, (), "")
        return out

    def _walk(
        self,
        node: JSONSchema,
        path: str,
        required: bool,
        out: dict[str, FieldShape],
        stack: tuple[str, ...],
        origin: str,
    ) -> None:
        self._budget.spend()
        detail = self.detail
        if isinstance(node, bool):  # a JSON Schema `true`/`false` (a property schema may be one)
            node = _ANYTHING if node else _NOTHING
        if "$ref" in node and len(node) > 1:
            node = ref_with_siblings(node)
        if "$ref" in node:
            node, refs = self.deref(node)
            origin = refs[-1] if detail else origin
            if any(r in stack for r in refs):
                # A recursive schema: record the field, stop descending.
                recursive = FieldShape(
                    path=path, types=("object",), required=required, refs=refs, origin=origin
                )
                self._add(out, recursive)
                return
            stack = (*stack, *refs)
            members = self._members_of(refs[-1], node)
        else:
            refs = ()
            members = self._members(node)
        if len(members) == 1:
            member = members[0]
            types = types_of(member)
            if len(types) > 1:
                types = sorted(set(types))
            inner = member.get("__refs__")
            named = refs if len(refs) < 2 and not inner else tuple(sorted({*refs, *(inner or ())}))
        else:
            # A branch that says nothing (`{}`, `true`) takes values of every type, as does its union.
            open_branch = any(says_nothing(m) for m in members)
            types = [] if open_branch else sorted({t for m in members for t in types_of(m)})
            named = tuple(sorted({*refs, *(r for m in members for r in m.get("__refs__", ()))}))
        enum = enum_of(members)
        keywords = self._keywords
        bounded = [trimmed_prefix(m) if "prefixItems" in m else m for m in members]
        found = {(k, self._constraint(k, m[k])) for m in bounded for k in keywords.intersection(m)}
        if detail and len(members) > 1:
            found = partial(found, [(types_of(m), set(m)) for m in members])
        constraints = tuple(sorted(found, key=repr)) if found else ()
        # A node without combinators is its own only member: looked at once.
        described = [node, *members] if members[0] is not node else members
        description = ""
        for m in described:
            if m.get("description"):
                description = str(m["description"])
                break
        annotations: tuple[tuple[str, Any], ...] = ()
        if detail:
            found = set()
            for m in described:
                for k in _ANNOTATION_SET.intersection(m):
                    found.add((k, hashable(m[k])))
                # Lifecycle extensions (`x-sunset`, ...): the diff's lifecycle policy reads the ones it names.
                for k, v in m.items():
                    if k[:2] == "x-" and is_lifecycle_extension(k):
                        found.add((k, hashable(v)))
            annotations = tuple(sorted(found, key=repr)) if found else ()
        shape = new_shape(
            path=path,
            types=tuple(types),
            required=required,
            enum=enum,
            refs=named,
            constraints=constraints,
            description=description,
            union=self._union(node) if "anyOf" in node or "oneOf" in node else (),
            annotations=annotations,
            origin=origin,
            parts=self._parts(node) if detail and "allOf" in node else (),
        )
        self._add(out, shape)
        owner = refs[-1] if refs else None
        if owner is not None and self._cache and not self.reaches(owner) & {*stack[: -len(refs)], *refs[:-1]}:
            # Nothing below `owner` leads back into the walk so far: its fields are what they are alone.
            below = self._fields_below(owner, node, members)
            if not path:
                for child in below.values():
                    self._add(out, child)  # at the root their paths are their own
                return
            dotted = path + "."
            for rel, child in below.items():
                moved = at_path(child, path + rel if rel[:2] == "[]" else dotted + rel)
                if moved.path in out:
                    self._add(out, moved)
                else:
                    out[moved.path] = moved
            return
        self._children(node, members, path, out, stack, origin)

    def _fields_below(self, owner: str, node: JSONSchema, members: list[JSONSchema]) -> dict[str, FieldShape]:
        below = self._below.get(owner)
        if below is None:
            twin = self._twin
            if twin is not None and twin.same(owner):
                below = twin.flattener._fields_below(owner, twin.flattener.defs[owner], members)
            else:
                below = {}
                self._children(node, members, "", below, (owner,), owner if self.detail else "")
            self._below[owner] = below
        return below

    def share_with(self, other: SchemaFlattener, same: Callable[[str], bool]) -> None:
        """Take the fields below a named schema from `other` (another version's flattener) wherever
        `same(name)` says it and everything it reaches are equal there: they flatten alike."""
        self._twin = _Twin(other, same)

    def reaches(self, name: str) -> frozenset[str]:
        """Every named schema reachable from `name` through `$ref`s (itself when it recurses)."""
        found = self._reach.get(name)
        if found is None:
            seen: set[str] = set()
            pending = list(self._refs_of(name))
            while pending:
                ref = pending.pop()
                if ref not in seen and ref in self.defs:
                    seen.add(ref)
                    pending.extend(self._reach.get(ref) or self._refs_of(ref))
            found = self._reach[name] = frozenset(seen)
        return found

    def member_names(self, name: str) -> frozenset[str]:
        """The named schemas a value of the named type `name` may be: itself and, where it is a
        oneOf/anyOf, its branches' names, those of branches of branches included."""
        found = self._member_names.get(name)
        if found is None:
            node, refs = self.deref(self.defs[name], (name,))
            members = self._members_of(refs[-1], node)
            found = frozenset({*refs, *(r for m in members for r in m.get("__refs__", ()))})
            self._member_names[name] = found
        return found

    def values_at(self, name: str, key: str) -> tuple[Any, ...] | None:
        """The enum values the named schema gives its property `key` ("": the value itself), as its
        flattened fields would say, without walking the rest: none where it has no such property,
        None where one of its branches admits any value there."""
        known = self._values.get((name, key), _UNKNOWN)
        if known is _UNKNOWN:
            known = self._values[(name, key)] = self._values_of(name, key)
        return known  # type: ignore[return-value]

    def _values_of(self, name: str, key: str) -> tuple[Any, ...] | None:
        node, refs = self.deref(self.defs[name], (name,))
        members = self._members_of(refs[-1], node)
        if not key:
            return enum_of(members)
        found: list[Any] = []
        for member in members:
            sub = (member.get("properties") or {}).get(key)
            if sub is None and requires_unschemed(member, key, members):
                return None  # required by name only: a field of any value, as flattening says
            if sub is not None:
                enum = enum_of(self._members(self.deref(sub)[0]))
                if enum is None:
                    return None
                found.extend(enum)
        return tuple(found)

    def reached(self, starts: Iterable[str], avoid: frozenset[str] = frozenset()) -> frozenset[str]:
        """The named schemas `starts` (themselves included) reach through `$ref`s, never passing
        through one in `avoid`."""
        seen: set[str] = set()
        pending = [n for n in starts if n in self.defs and n not in avoid]
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending.extend(r for r in self._refs_of(name) if r in self.defs and r not in avoid)
        return frozenset(seen)

    def _refs_of(self, name: str) -> set[str]:
        direct = self._direct.get(name)
        if direct is None:
            direct = self._direct[name] = refs_in(self.defs[name])
        return direct

    def _children(
        self,
        node: JSONSchema,
        members: list[JSONSchema],
        path: str,
        out: dict[str, FieldShape],
        stack: tuple[str, ...],
        origin: str,
    ) -> None:
        walk = self._walk
        for member in members:
            member_refs = tuple(member.get("__refs__", ()))
            if member_refs:
                if any(r in stack for r in member_refs):
                    continue  # a union member that recurses into a type already being walked
                inner = (*stack, *member_refs)
            else:
                inner = stack
            # A union branch's fields are defined in the branch; allOf parts merge, so the whole owns them.
            owner = member.get("__owner__")
            base = owner if self.detail and owner and "allOf" not in node else origin
            properties = member.get("properties")
            if properties:
                required_names = set(member.get("required", ()))
                # `join` and `_below` written out: this loop runs once per field of every schema.
                for name, sub in properties.items():
                    field_path = f"{path}.{name}" if path else name
                    field_origin = f"{base}.{name}" if base else ""
                    walk(sub, field_path, name in required_names, out, inner, field_origin)
            if member.get("required"):
                for name in unschemed_required(member, members):
                    field_path = f"{path}.{name}" if path else name
                    walk(_ANYTHING, field_path, True, out, inner, f"{base}.{name}" if base else "")
            items = member.get("items")
            if isinstance(items, dict):
                self._walk(items, f"{path}[]", True, out, inner, origin_below(base, "[]"))
            if self.detail:
                for keyword in WALKED_APPLICATORS:
                    if isinstance(member.get(keyword), dict):
                        below = origin_below(base, ".*")
                        self._walk(member[keyword], join(path, "*"), False, out, inner, below)

    def _constraint(self, keyword: str, value: Any) -> Any:
        if self.detail and keyword in SCHEMA_VALUED and isinstance(value, dict):
            return "schema"  # its content is walked as the field `*`
        if self.detail and keyword in INLINED:
            value = inline_refs(value, self.defs)
        return hashable(value)

    def _parts(self, node: JSONSchema) -> tuple[str, ...]:
        names = set()
        for part in node.get("allOf", ()):
            refs = self.deref(part)[1]
            names.add(refs[0] if refs else INLINE)
        return tuple(sorted(names))

    def _union(self, node: JSONSchema) -> tuple[str, ...]:
        # Inline branches of one type share a label: kept once each, so a diff can count them.
        labels = []
        for part in [*node.get("anyOf", ()), *node.get("oneOf", ())]:
            sub, refs = self.deref(part)
            labels.append(
                refs[0] if refs else "|".join(sorted({t for m in self._members(sub) for t in types_of(m)}))
            )
        return tuple(sorted(labels))

    def _members_of(self, name: str, node: JSONSchema) -> list[JSONSchema]:
        """`_members` of the named schema `name` (whose `node` it is), worked out once."""
        members = self._named_members.get(name)
        if members is None:
            members = self._named_members[name] = self._members(node)
        return members

    def _members(self, node: JSONSchema) -> list[JSONSchema]:
        """The alternatives a value may take: union members expanded, `allOf` parts combined."""
        self._budget.spend()
        if "anyOf" not in node and "oneOf" not in node and "allOf" not in node:
            # The common case, decided without building anything: the node is its only member.
            if is_constraining(node):
                self._budget.spend(1)
                return [node]
            return [{}]
        # Members are only read, so a node without combinators is its own base (no copy).
        base = (
            {k: v for k, v in node.items() if k not in _COMBINATORS}
            if _COMBINATOR_SET & node.keys()
            else node
        )
        branches: list[JSONSchema] = []
        for parts in (node.get(k) for k in ("anyOf", "oneOf")):
            for part in parts or []:
                sub, refs = self.deref(ref_with_siblings(part))
                for m in self._members_below(refs, sub):
                    # `__owner__`: the named schema that defines the branch as a whole, the innermost
                    # one of a branch of a branch (its fields are that schema's).
                    owner = m.get("__owner__") or (refs[-1] if refs else None)
                    branches.append({**m, "__refs__": (*m.get("__refs__", ()), *refs), "__owner__": owner})
        if node.get("allOf"):
            parts = [base, *node["allOf"]]
            # Beside a union, a value meets every part and one branch: each branch joins the parts.
            result = [self._combined([*parts, b]) for b in branches] if branches else [self._combined(parts)]
        elif is_constraining(base):
            result = [base, *branches]
        elif "x-discriminator" in base:
            # A union's discriminator stays with its branches, or a union that is itself one branch
            # (`anyOf: [{oneOf: [...], discriminator}, {type: null}]`, 3.1's nullable union) loses it.
            named = base["x-discriminator"]
            result = [b if "x-discriminator" in b else {**b, "x-discriminator": named} for b in branches]
        else:
            result = branches
        self._budget.spend(len(result))
        return result or [{}]

    def _members_below(self, refs: tuple[str, ...], sub: JSONSchema) -> list[JSONSchema]:
        """`_members` of a part reached through the named schemas `refs`, refusing a loop: a named
        schema whose members need its own members (`A: {allOf: [{$ref: A}]}`) admits anything."""
        if not refs:
            return self._members(sub)
        expanding = self._expanding
        for name in refs:
            if name in expanding:
                _refuse_loop([*expanding[expanding.index(name) :], name])
        expanding.extend(refs)
        try:
            return self._members(sub)
        finally:
            del expanding[-len(refs) :]

    def _combined(self, parts: list[JSONSchema]) -> JSONSchema:
        """One member that meets every part: their fields, required names and refs together, the
        tightest of their bounds, every pattern and format, and the values in every enum."""
        combined: JSONSchema = {"properties": {}, "required": [], "__refs__": ()}
        every: dict[str, list[Any]] = {}
        for part in parts:
            sub, refs = self.deref(ref_with_siblings(part))
            for m in self._members_below(refs, sub) or [{}]:
                combined["properties"].update(m.get("properties", {}))
                combined["required"] = [*combined["required"], *m.get("required", [])]
                combined["__refs__"] = (*combined["__refs__"], *refs, *m.get("__refs__", ()))
                for key in ("type", "items"):
                    if key in m:
                        combined[key] = m[key]
                # Patterns and formats are gathered, then joined once: an allOf may have many parts.
                for key in self._keywords.intersection(m):
                    value = m[key]
                    if key in CONJOINED and isinstance(value, str | AllOf):
                        every.setdefault(key, []).append(value)
                    else:
                        combined[key] = tightest(key, combined[key], value) if key in combined else value
                if isinstance(m.get("enum"), list):
                    had = combined.get("enum")
                    combined["enum"] = m["enum"] if had is None else [v for v in had if v in m["enum"]]
                if "const" in m:
                    combined.setdefault("const", m["const"])
        for key, values in every.items():
            combined[key] = conjoined(values)
        return combined

    def _add(self, out: dict[str, FieldShape], shape: FieldShape) -> None:
        if shape.path not in out:
            out[shape.path] = shape
            return
        before = out[shape.path]
        both = merged(before, shape)
        if self.detail and before.constraints != shape.constraints:
            # The same path reached through two union branches: a bound only one gives is partial.
            sides = [(list(x.types), {k for k, _ in x.constraints}) for x in (before, shape)]
            both = with_constraints(both, partial(set(both.constraints), sides))
        out[shape.path] = both


def _refuse_loop(names: list[str] | tuple[str, ...]) -> None:
    loop = " -> ".join(names)
    raise ContractError(
        f"schema refers to itself without descending into the instance ({loop}): "
        "it would accept anything or never finish"
    )
