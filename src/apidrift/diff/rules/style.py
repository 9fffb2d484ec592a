"""Parameter serialization: a parameter's `style` or `explode` changed, so the same value is written
differently on the wire (`ids=1,2` becoming `ids=1&ids=2`) and old calls are misread; a query
parameter's `allowEmptyValue` or `allowReserved` taken back refuses or misreads what old calls sent."""

from __future__ import annotations

from typing import Any

from apidrift.contracts.model import Parameter
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext

K, S = ChangeKind, Side
FAMILY = "parameter serialization"

RULES = (
    Rule(
        K.PARAM_STYLE_CHANGED,
        S.PARAMETER,
        Severity.BREAKING,
        "the value is written another way on the wire (style or explode); old calls are misread",
    ),
    Rule(K.PARAM_EMPTY_VALUE_REFUSED, S.PARAMETER, Severity.BREAKING, "calls sending it empty are refused"),
    Rule(K.PARAM_EMPTY_VALUE_ALLOWED, S.PARAMETER, Severity.INFO, "old calls still work"),
    Rule(
        K.PARAM_RESERVED_REFUSED,
        S.PARAMETER,
        Severity.BREAKING,
        "old calls send reserved characters (/?#&=...) unencoded, which are now read as delimiters",
    ),
    Rule(K.PARAM_RESERVED_ALLOWED, S.PARAMETER, Severity.INFO, "percent-encoded values still read the same"),
)
# The OpenAPI defaults: form for query and cookie parameters, simple for path and header ones.
DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}
# Values whose serialization `explode` does not change: only arrays and objects are exploded.
SCALARS = frozenset({"string", "integer", "number", "boolean"})


def serialization(parameter: Parameter) -> tuple[str, bool]:
    """The effective (style, explode) of a parameter: what it states, else the OpenAPI default."""
    style = parameter.style or DEFAULT_STYLE.get(parameter.location, "form")
    explode = parameter.explode if parameter.explode is not None else style == "form"
    return style, explode


def check(ctx: ChangeContext, a: Parameter, b: Parameter) -> list[Change]:
    out = _permissions(ctx, a, b)
    (style_a, explode_a), (style_b, explode_b) = serialization(a), serialization(b)
    if style_a == style_b and (explode_a == explode_b or (_scalar(a.schema) and _scalar(b.schema))):
        return out
    old = {"style": style_a, "explode": explode_a}
    new = {"style": style_b, "explode": explode_b}
    message = f"{b.location} parameter {b.name} is serialized as {_text(new)}, was {_text(old)}"
    return [*out, ctx.change(K.PARAM_STYLE_CHANGED, b.name, old, new, message)]


def _permissions(ctx: ChangeContext, a: Parameter, b: Parameter) -> list[Change]:
    """allowEmptyValue and allowReserved, which OpenAPI defines for query parameters only."""
    if a.location != "query" or b.location != "query":
        return []
    out = []
    facts = (
        (
            "allowEmptyValue",
            a.allow_empty,
            b.allow_empty,
            K.PARAM_EMPTY_VALUE_ALLOWED,
            K.PARAM_EMPTY_VALUE_REFUSED,
        ),
        (
            "allowReserved",
            a.allow_reserved,
            b.allow_reserved,
            K.PARAM_RESERVED_ALLOWED,
            K.PARAM_RESERVED_REFUSED,
        ),
    )
    for keyword, before, after, allowed, refused in facts:
        if before != after:
            message = f"query parameter {b.name} {keyword} {str(before).lower()} -> {str(after).lower()}"
            out.append(
                ctx.change(
                    allowed if after else refused, b.name, {keyword: before}, {keyword: after}, message
                )
            )
    return out


def _scalar(schema: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return isinstance(kind, str) and kind in SCALARS


def _text(value: dict[str, Any]) -> str:
    return f"style={value['style']} explode={str(value['explode']).lower()}"
