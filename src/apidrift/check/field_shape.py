"""`FieldShape`: what a schema says of one field path, and how two such facts merge or move."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apidrift.check.schema_facts import sorted_unique
from apidrift.contracts.model import JSONSchema


@dataclass(frozen=True)
class FieldShape:
    """What a schema says of one field path: its JSON types, required-ness, enum and named type."""

    path: str
    types: tuple[str, ...]
    required: bool
    enum: tuple[Any, ...] | None = None
    refs: tuple[str, ...] = ()
    constraints: tuple[tuple[str, Any], ...] = ()
    description: str = ""
    # The alternatives of a oneOf/anyOf at this path: a branch's schema name, else its JSON type.
    union: tuple[str, ...] = ()
    annotations: tuple[tuple[str, Any], ...] = ()
    # Where the field is defined: `Schema.path` inside the named schema that holds it ("" when inline
    # or unknown; `detail=True` only). A diff groups the changes of one shared definition by it.
    origin: str = ""
    # The named parts of an allOf at this path ("(inline)" for an unnamed one; `detail=True` only).
    parts: tuple[str, ...] = ()

    @property
    def nullable(self) -> bool:
        return "null" in self.types


# `false` as a schema object: what no value fits.
FALSE_SCHEMA: JSONSchema = {"not": {}}


def join(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def new_shape(**fields: Any) -> FieldShape:
    """A FieldShape of every field, built without the frozen `__init__`'s `object.__setattr__` per
    field: a whole-document diff builds tens of thousands of them."""
    shape: FieldShape = object.__new__(FieldShape)
    shape.__dict__.update(fields)
    return shape


def merged(a: FieldShape, b: FieldShape) -> FieldShape:
    enum = None if a.enum is None or b.enum is None else tuple(sorted_unique(a.enum + b.enum))
    # Built directly, and equal parts kept as they are: a whole-document diff merges thousands.
    return new_shape(
        path=a.path,
        types=a.types if a.types == b.types else tuple(sorted(set(a.types) | set(b.types))),
        required=a.required and b.required,
        enum=enum,
        refs=a.refs if a.refs == b.refs else tuple(sorted(set(a.refs) | set(b.refs))),
        constraints=a.constraints
        if a.constraints == b.constraints
        else union_of(a.constraints, b.constraints),
        description=a.description or b.description,
        union=a.union if a.union == b.union else tuple(sorted(set(a.union) | set(b.union))),
        annotations=a.annotations
        if a.annotations == b.annotations
        else union_of(a.annotations, b.annotations),
        origin=a.origin if a.origin == b.origin else "",
        parts=a.parts if a.parts == b.parts else tuple(sorted(set(a.parts) | set(b.parts))),
    )


def union_of(a: tuple[tuple[str, Any], ...], b: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted({*a, *b}, key=repr))


def at_path(shape: FieldShape, path: str) -> FieldShape:
    """`shape` at another path. Built by copying its fields: `dataclasses.replace`, and even the
    frozen `__init__` (one `object.__setattr__` per field), are several times slower on this hot path."""
    if shape.path == path:
        return shape  # immutable: the same facts at the same path are the same value
    moved: FieldShape = object.__new__(FieldShape)
    fields = moved.__dict__
    fields.update(shape.__dict__)
    fields["path"] = path
    return moved


def with_constraints(shape: FieldShape, constraints: set[tuple[str, Any]]) -> FieldShape:
    """`shape` with other constraints (every other fact as it is)."""
    return new_shape(**{**shape.__dict__, "constraints": tuple(sorted(constraints, key=repr))})


def origin_below(origin: str, step: str) -> str:
    return origin + step if origin else ""
