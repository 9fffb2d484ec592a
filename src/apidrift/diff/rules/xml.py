"""XML bodies (OpenAPI's `xml` keyword, read only for XML media types): an element renamed, put in
another namespace, written as an attribute instead, or its array wrapped or unwrapped is the same
value written as another document; whoever reads it (the server for requests, clients for responses)
no longer finds it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apidrift.check.shapes import FieldShape
from apidrift.contracts.model import JSONSchema
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, Walk

K, S = ChangeKind, Side
B, W = Severity.BREAKING, Severity.WARNING
FAMILY = "xml"
_READER = {S.REQUEST: "the server", S.RESPONSE: "readers"}

RULES = tuple(
    rule
    for side, reader in _READER.items()
    for rule in (
        Rule(K.XML_NAME_CHANGED, side, B, f"the element or attribute has another name: {reader} miss it"),
        Rule(K.XML_NAMESPACE_CHANGED, side, B, f"the element is in another namespace: {reader} miss it"),
        Rule(
            K.XML_PREFIX_CHANGED,
            side,
            W,
            "the same namespace under another prefix: readers matching prefixes, not namespaces, miss it",
        ),
        Rule(
            K.XML_ATTRIBUTE_CHANGED,
            side,
            B,
            f"an attribute became an element or the other way: {reader} look in the wrong place",
        ),
        Rule(
            K.XML_WRAPPED_CHANGED,
            side,
            B,
            f"the array's items gained or lost their wrapping element: {reader} look one level off",
        ),
    )
)
# (keyword, kind, the value OpenAPI gives it when unsaid)
_KEYWORDS = (
    ("namespace", K.XML_NAMESPACE_CHANGED, None),
    ("prefix", K.XML_PREFIX_CHANGED, None),
    ("attribute", K.XML_ATTRIBUTE_CHANGED, False),
    ("wrapped", K.XML_WRAPPED_CHANGED, False),
)


def is_xml(media_type: str) -> bool:
    """`application/xml`, `text/xml` and every `+xml` type (`application/atom+xml`)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    subtype = essence.partition("/")[2]
    return subtype == "xml" or subtype.endswith("+xml")


def check(
    walk: Walk, ctx: ChangeContext, old: Mapping[str, JSONSchema | None], new: Mapping[str, JSONSchema | None]
) -> list[Change]:
    """The `xml` keywords of every field of the XML media types both versions document (each pair of
    schemas once, however many XML types share it)."""
    changes: list[Change] = []
    seen: set[tuple[str, str]] = set()
    for media_type in sorted(old.keys() & new.keys()):
        a, b = old[media_type], new[media_type]
        if not is_xml(media_type) or a is None or b is None or walk.unchanged(a, b):
            continue
        key = (repr(a), repr(b))
        if key in seen:
            continue
        seen.add(key)
        changes += fields(ctx, media_type, walk.flatten("old", a), walk.flatten("new", b))
    return changes


def fields(
    ctx: ChangeContext, media_type: str, old: Mapping[str, FieldShape], new: Mapping[str, FieldShape]
) -> list[Change]:
    changes = []
    for path in sorted(old.keys() & new.keys()):
        before, after = xml_of(old[path]), xml_of(new[path])
        if before == after:
            continue
        origin = new[path].origin if new[path].origin and new[path].origin == old[path].origin else None
        label = f"{path or '(body)'} ({media_type})"
        default = _default_name(path)
        old_name, new_name = before.get("name", default), after.get("name", default)
        if old_name != new_name:
            message = f"{label} is written as <{new_name}>, was <{old_name}>"
            changes.append(ctx.change(K.XML_NAME_CHANGED, path, old_name, new_name, message, origin=origin))
        for keyword, kind, unsaid in _KEYWORDS:
            was, now = before.get(keyword, unsaid), after.get(keyword, unsaid)
            if was != now:
                message = f"{label} xml {keyword} {_show(was)} -> {_show(now)}"
                changes.append(ctx.change(kind, path, was, now, message, origin=origin))
    return changes


def xml_of(shape: FieldShape) -> dict[str, Any]:
    """The field's `xml` keywords; where several schemas met at it (a reference and its own), all of
    them, the later (in a stable order) over the earlier."""
    merged: dict[str, Any] = {}
    for keyword, value in shape.annotations:
        if keyword == "xml" and isinstance(value, tuple):
            merged.update(pair for pair in value if isinstance(pair, tuple) and len(pair) == 2)
    return merged


def _default_name(path: str) -> str | None:
    """The name OpenAPI gives an element that names none: its property's (an array's items take
    the array's); None at the body's root or under a map, whose name the schema does not say."""
    leaf = path
    while leaf.endswith("[]"):
        leaf = leaf[:-2]
    leaf = leaf.rsplit(".", 1)[-1]
    return leaf if leaf and leaf != "*" else None


def _show(value: Any) -> str:
    return "(none)" if value is None else repr(value)
