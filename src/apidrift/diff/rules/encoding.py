"""Request body encoding (OpenAPI `encoding` of a multipart or form body): how each part travels.
A part's content type narrowed, its serialization changed or a part header now required refuses or
misreads what senders wrote before."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apidrift.check.shapes import FieldShape
from apidrift.contracts.model import RequestBody
from apidrift.contracts.transport import Encoding
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, Walk

K, S = ChangeKind, Side
B, INFO = Severity.BREAKING, Severity.INFO
FAMILY = "request encoding"
FORM = "application/x-www-form-urlencoded"

RULES = (
    Rule(
        K.ENCODING_CONTENT_TYPE_NARROWED,
        S.REQUEST,
        B,
        "a part's content type no longer covers what senders send in it",
    ),
    Rule(K.ENCODING_CONTENT_TYPE_WIDENED, S.REQUEST, INFO, "the part still takes what senders send"),
    Rule(
        K.ENCODING_STYLE_CHANGED,
        S.REQUEST,
        B,
        "a form field's value is written another way (style or explode); old bodies are misread",
    ),
    Rule(
        K.ENCODING_RESERVED_REFUSED,
        S.REQUEST,
        B,
        "old bodies carry reserved characters unencoded, which are now read as delimiters",
    ),
    Rule(K.ENCODING_RESERVED_ALLOWED, S.REQUEST, INFO, "percent-encoded values still read the same"),
    Rule(
        K.ENCODING_HEADER_ADDED,
        S.REQUEST,
        INFO,
        "an optional part header senders may leave out",
        if_required=B,
    ),
    Rule(K.ENCODING_HEADER_REMOVED, S.REQUEST, INFO, "a header senders still send is ignored"),
    Rule(K.ENCODING_HEADER_BECAME_REQUIRED, S.REQUEST, B, "parts sent without the header are refused"),
    Rule(K.ENCODING_HEADER_BECAME_OPTIONAL, S.REQUEST, INFO, "parts with the header are still taken"),
)


def check(walk: Walk, ctx: ChangeContext, old: RequestBody, new: RequestBody) -> list[Change]:
    """The encoding of every media type both bodies document, part by part (by property name)."""
    if not old.encoding and not new.encoding:
        return []
    changes = []
    old_media, new_media = old.all_media, new.all_media
    for media_type in sorted(old_media.keys() & new_media.keys()):
        a, b = old.encoding.get(media_type, {}), new.encoding.get(media_type, {})
        if a == b:
            continue
        shapes = (walk.flatten("old", old_media[media_type]), walk.flatten("new", new_media[media_type]))
        changes += _media(ctx, media_type, (a, b), shapes)
    return changes


def _media(
    ctx: ChangeContext,
    media_type: str,
    encodings: tuple[Encoding, Encoding],
    shapes: tuple[Mapping[str, FieldShape], Mapping[str, FieldShape]],
) -> list[Change]:
    a, b = encodings
    form = media_type.split(";", 1)[0].strip().lower() == FORM
    changes = []
    for part in sorted(a.keys() | b.keys()):
        before, after = a.get(part, {}), b.get(part, {})
        if before == after:
            continue
        where = f"{media_type} {part}"
        label = f"{media_type} part {part}"
        changes += _content_type(ctx, where, label, before, after, shapes, part)
        if form:
            # OpenAPI reads style, explode and allowReserved for form bodies only (multipart ignores them).
            changes += _serialization(ctx, where, label, before, after)
        changes += _headers(ctx, where, label, before.get("headers") or {}, after.get("headers") or {})
    return changes


def _content_type(
    ctx: ChangeContext,
    where: str,
    label: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    shapes: tuple[Mapping[str, FieldShape], Mapping[str, FieldShape]],
    part: str,
) -> list[Change]:
    old = before.get("contentType") or default_content_type(shapes[0], part)
    new = after.get("contentType") or default_content_type(shapes[1], part)
    if old is None or new is None or _ranges(old) == _ranges(new):
        return []
    if all(any(_covers(wide, narrow) for wide in _ranges(new)) for narrow in _ranges(old)):
        message = f"{label} is now sent as {new} (was {old}), which covers the old type"
        return [ctx.change(K.ENCODING_CONTENT_TYPE_WIDENED, where, old, new, message)]
    message = f"{label} is now sent as {new}, was {old}"
    return [ctx.change(K.ENCODING_CONTENT_TYPE_NARROWED, where, old, new, message)]


def default_content_type(shapes: Mapping[str, FieldShape], part: str) -> str | None:
    """The content type OpenAPI gives a part that names none, from its schema: binary strings
    `application/octet-stream`, other scalars `text/plain`, objects `application/json`, arrays that of
    their items. None where the schema does not say (the part is not a property the body documents)."""
    shape = shapes.get(part)
    while shape is not None and shape.types == ("array",):
        part += "[]"
        shape = shapes.get(part)
    if shape is None or len(shape.types) != 1:
        return None
    kind = shape.types[0]
    if kind == "object":
        return "application/json"
    if kind == "string" and (("format", "binary") in shape.constraints or _encoded(shape)):
        return "application/octet-stream"
    return "text/plain" if kind in ("string", "number", "integer", "boolean") else None


def _encoded(shape: FieldShape) -> bool:
    return any(k == "contentEncoding" for k, _ in shape.constraints)


def _ranges(value: str) -> frozenset[tuple[str, str]]:
    """A `contentType` (one type, a range, or several comma-separated) as (type, subtype) pairs."""
    out = set()
    for item in value.split(","):
        kind, _, subtype = item.split(";", 1)[0].strip().lower().partition("/")
        if kind:
            out.add((kind, subtype or "*"))
    return frozenset(out)


def _covers(wide: tuple[str, str], narrow: tuple[str, str]) -> bool:
    return wide == narrow or wide == ("*", "*") or (wide[0] == narrow[0] and wide[1] == "*")


def _serialization(
    ctx: ChangeContext, where: str, label: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Change]:
    changes = []
    old, new = _style(before), _style(after)
    if old != new:
        message = f"{label} is serialized as {_text(new)}, was {_text(old)}"
        changes.append(ctx.change(K.ENCODING_STYLE_CHANGED, where, old, new, message))
    had, has = before.get("allowReserved") is True, after.get("allowReserved") is True
    if had != has:
        kind = K.ENCODING_RESERVED_ALLOWED if has else K.ENCODING_RESERVED_REFUSED
        message = f"{label} allowReserved {str(had).lower()} -> {str(has).lower()}"
        changes.append(ctx.change(kind, where, {"allowReserved": had}, {"allowReserved": has}, message))
    return changes


def _style(encoding: Mapping[str, Any]) -> dict[str, Any]:
    """The effective style and explode of a form field: as stated, else OpenAPI's `form` and, for
    `form`, `explode: true`."""
    style = encoding.get("style") if isinstance(encoding.get("style"), str) else "form"
    explode = encoding.get("explode")
    return {"style": style, "explode": explode if isinstance(explode, bool) else style == "form"}


def _text(value: Mapping[str, Any]) -> str:
    return f"style={value['style']} explode={str(value['explode']).lower()}"


def _headers(
    ctx: ChangeContext, where: str, label: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[Change]:
    """Part headers by name (case-insensitive, as HTTP names are); `Content-Type` is the part's
    `contentType`, which OpenAPI says a header of that name never overrides."""
    a = {str(k).lower(): (str(k), v) for k, v in old.items() if str(k).lower() != "content-type"}
    b = {str(k).lower(): (str(k), v) for k, v in new.items() if str(k).lower() != "content-type"}
    changes = []
    for key in sorted(a.keys() - b.keys()):
        name = a[key][0]
        message = f"{label}: header {name} removed"
        changes.append(ctx.change(K.ENCODING_HEADER_REMOVED, f"{where} {name}", name, None, message))
    for key in sorted(b.keys() - a.keys()):
        name, required = b[key][0], _required(b[key][1])
        message = f"{label}: {'required' if required else 'optional'} header {name} added"
        changes.append(
            ctx.change(K.ENCODING_HEADER_ADDED, f"{where} {name}", None, name, message, required=required)
        )
    for key in sorted(a.keys() & b.keys()):
        name, had, has = b[key][0], _required(a[key][1]), _required(b[key][1])
        if had != has:
            kind = K.ENCODING_HEADER_BECAME_REQUIRED if has else K.ENCODING_HEADER_BECAME_OPTIONAL
            message = f"{label}: header {name} is now {'required' if has else 'optional'}"
            changes.append(ctx.change(kind, f"{where} {name}", had, has, message))
    return changes


def _required(header: Any) -> bool:
    return isinstance(header, Mapping) and header.get("required") is True
