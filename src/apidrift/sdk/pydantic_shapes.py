"""Pydantic models as field trees: the JSON names, types, required-ness and enums a model declares.

Union members that are models merge the way contract unions do (`apidrift.check.shapes`), except that a
field counts as required only when every member requires it: a member-only field (`num_requests` of
one usage result kind) is not required of the others.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from apidrift.check.body_fields import flatten_value
from apidrift.check.shapes import join
from apidrift.sdk.compare import SdkFieldShape

_PRIMITIVE: dict[Any, tuple[str, ...]] = {
    str: ("string",),
    int: ("integer",),
    float: ("integer", "number"),
    bool: ("boolean",),
    type(None): ("null",),
}
_JSON_TYPE_OF_VALUE = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


@dataclass
class ModelNode:
    """What a model declares at one place in a body; `children` is None for non-objects and open maps."""

    types: set[str] | None  # None: any JSON value
    enum: list[Any] | None = None
    required: bool = True
    children: dict[str, ModelNode] | None = None
    item: ModelNode | None = None
    models: list[str] = field(default_factory=list)


def describe(annotation: Any, stack: tuple[type, ...] = ()) -> ModelNode:
    """The node an annotation stands for (`Optional[List[Project]]`, `Literal["a"]`, a model class)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return describe(get_args(annotation)[0], stack)
    if origin is Union or origin is types.UnionType:
        return _merge_members([describe(arg, stack) for arg in get_args(annotation)])
    if origin is Literal:
        values = list(get_args(annotation))
        return ModelNode({_JSON_TYPE_OF_VALUE.get(type(v), "string") for v in values}, enum=values)
    if origin in (list, tuple, set, frozenset, Sequence, typing.List):  # noqa: UP006
        args = get_args(annotation)
        return ModelNode({"array"}, item=describe(args[0], stack) if args else ModelNode(None))
    if origin in (dict, Mapping, typing.Dict):  # noqa: UP006
        return ModelNode({"object"})
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_node(annotation, stack)
    if annotation in _PRIMITIVE:
        return ModelNode(set(_PRIMITIVE[annotation]))
    return ModelNode(None)


def _model_node(model: type[BaseModel], stack: tuple[type, ...]) -> ModelNode:
    if model in stack:
        return ModelNode({"object"}, models=[model.__name__])  # recursive: stop here
    children = {}
    for name, info in model.model_fields.items():
        child = describe(info.annotation, (*stack, model))
        child.required = info.is_required()
        children[info.alias or name] = child
    return ModelNode({"object"}, children=children, models=[model.__name__])


def _merge_members(members: list[ModelNode]) -> ModelNode:
    merged = members[0]
    for other in members[1:]:
        merged = merge(merged, other)
    return merged


def merge(a: ModelNode, b: ModelNode) -> ModelNode:
    """Two alternatives for one place: types and enums unite; a field is required only if both require it."""
    children: dict[str, ModelNode] | None = a.children if b.children is None else b.children
    if a.children is not None and b.children is not None:
        # Two object alternatives (union members); null or a scalar alternative leaves fields as they are.
        children = {}
        left, right = a.children, b.children
        for name in {**left, **right}:
            if name in left and name in right:
                children[name] = merge(left[name], right[name])
                children[name].required = left[name].required and right[name].required
            else:
                only = left.get(name) or right[name]
                children[name] = ModelNode(
                    only.types, only.enum, False, only.children, only.item, only.models
                )
    enum = None if a.enum is None or b.enum is None else [*a.enum, *(v for v in b.enum if v not in a.enum)]
    # null alone carries no enum: Optional[Literal["a"]] keeps the enum of its literal.
    if a.types == {"null"}:
        enum = b.enum
    elif b.types == {"null"}:
        enum = a.enum
    item = a.item if b.item is None else b.item if a.item is None else merge(a.item, b.item)
    return ModelNode(
        None if a.types is None or b.types is None else a.types | b.types,
        enum,
        a.required and b.required,
        children,
        item,
        [*a.models, *b.models],
    )


def field_shapes(node: ModelNode) -> dict[str, SdkFieldShape]:
    """The node tree as field paths (`data[].results[].object`), root included as ""."""
    out: dict[str, SdkFieldShape] = {}
    _flatten(node, "", True, out)
    return out


def _flatten(node: ModelNode, path: str, required: bool, out: dict[str, SdkFieldShape]) -> None:
    types_ = tuple(sorted(node.types)) if node.types is not None else None
    enum = tuple(v for v in node.enum if v is not None) if node.enum is not None else None
    out[path] = SdkFieldShape(path, types_, required, enum, has_children=node.children is not None)
    for name, child in (node.children or {}).items():
        _flatten(child, join(path, name), child.required, out)
    if node.item is not None:
        _flatten(node.item, f"{path}[]", True, out)


def dropped_fields(node: ModelNode, value: Any, path: str = "") -> dict[str, str]:
    """Fields of a body the model does not declare (outermost only), with the JSON type seen."""
    out: dict[str, str] = {}
    if isinstance(value, dict) and node.children is not None:
        for key, sub in value.items():
            child = node.children.get(str(key))
            where = join(path, str(key))
            if child is None:
                out[where] = flatten_value(sub)[""]
            else:
                out.update(dropped_fields(child, sub, where))
    elif isinstance(value, list) and node.item is not None:
        for sub in value:
            out.update(dropped_fields(node.item, sub, f"{path}[]"))
    return out


def error_path(loc: Sequence[int | str], body: Any) -> str:
    """A pydantic error location as a field path, union member tags left out (`data[].results`)."""
    path, value = "", body
    for i, part in enumerate(loc):
        if isinstance(part, int) and isinstance(value, list):
            path, value = f"{path}[]", value[part] if part < len(value) else None
        elif isinstance(value, dict) and part in value:
            path, value = join(path, str(part)), value[part]
        elif i == len(loc) - 1 and isinstance(value, dict):
            path = join(path, str(part))  # a missing field: the last part names it
    return path
