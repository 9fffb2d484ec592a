"""Request bodies: a body added, removed or made required, then its schema field by field."""

from __future__ import annotations

from apidrift.contracts.model import Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Side
from apidrift.diff.fields import ChangeContext, RuleTable, Walk
from apidrift.diff.rules import encoding, media, xml

K = ChangeKind
FAMILY = "request bodies"
# The body-level kinds are the field kinds at the body's root (path ""): graded by the fields family.
RULES: tuple[Rule, ...] = ()


def check(walk: Walk, rules: RuleTable, old: Operation, new: Operation) -> list[Change]:
    ctx = ChangeContext(new, Side.REQUEST, rules)
    a, b = old.request_body, new.request_body
    if a is None and b is None:
        return []
    if a is None:
        assert b is not None
        return [ctx.change(K.FIELD_ADDED, "", None, "body", "a request body was added", required=b.required)]
    if b is None:
        return [ctx.change(K.FIELD_REMOVED, "", "body", None, "the request body was removed")]
    changes = []
    if a.required != b.required:
        kind = K.BECAME_REQUIRED if b.required else K.BECAME_OPTIONAL
        message = "the request body is now " + ("required" if b.required else "optional")
        changes.append(ctx.change(kind, "", a.required, b.required, message))
    # The primary (JSON) schemas are compared at the body's root only when both versions agree on
    # the primary type; otherwise every shared media type is compared under its own name.
    same = a.content_type == b.content_type
    changes += media.check(walk, ctx, a.all_media, b.all_media, primary=a.content_type if same else None)
    changes += encoding.check(walk, ctx, a, b)
    changes += xml.check(walk, ctx, a.all_media, b.all_media)
    return changes + (walk.compare_schemas(ctx, a.schema, b.schema) if same else [])
