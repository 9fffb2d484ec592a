"""Parameter serialization: a parameter's `style` or `explode` changed, so the same value is written
differently on the wire (`ids=1,2` becoming `ids=1&ids=2`) and old calls are misread."""

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
    (style_a, explode_a), (style_b, explode_b) = serialization(a), serialization(b)
    if style_a == style_b and (explode_a == explode_b or (_scalar(a.schema) and _scalar(b.schema))):
        return []
    old = {"style": style_a, "explode": explode_a}
    new = {"style": style_b, "explode": explode_b}
    message = f"{b.location} parameter {b.name} is serialized as {_text(new)}, was {_text(old)}"
    return [ctx.change(K.PARAM_STYLE_CHANGED, b.name, old, new, message)]


def _scalar(schema: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return isinstance(kind, str) and kind in SCALARS


def _text(value: dict[str, Any]) -> str:
    return f"style={value['style']} explode={str(value['explode']).lower()}"
