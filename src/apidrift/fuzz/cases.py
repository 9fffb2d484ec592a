"""Hypothesis strategies of requests to one operation: valid ones (bodies and query values drawn from the
version's schemas) and invalid ones (one mutation of a valid request, checked to be invalid).

A mutation breaks one JSON Schema keyword at the top of the body or in one query parameter: `required`
(a field or the body left out), `type`, `enum`, a bound (`minimum`, `maxLength`, `minItems`, ...) or
`additionalProperties` (an undocumented field where the schema closes the object). Path parameters are
not drawn: they are the ids of things that exist, found by the caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from hypothesis import strategies as st

from apidrift.check.linear import LinearValidator
from apidrift.check.shapes import FieldShape, SchemaFlattener
from apidrift.contracts.model import ContractVersion, JSONSchema, Operation, Parameter, rooted
from apidrift.generate.strategies import from_schema

UNDOCUMENTED: Final = "apidrift_undocumented"
# A value of each JSON type, to put where the contract wants another type.
_WRONG: Final[tuple[tuple[str, Any], ...]] = (
    ("string", "apidrift"),
    ("integer", 7),
    ("boolean", True),
    ("object", {}),
    ("array", []),
)
# Bound keywords and how to step over each (a value just outside it, built from the bound).
_BOUNDS: Final = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)


@dataclass(frozen=True)
class Drawn:
    """What a strategy draws: a query and a body (None: none sent), and the mutation if invalid."""

    query: Mapping[str, str]
    body: Any
    mutation: str | None = None
    keyword: str | None = None


def query_text(value: Any) -> str:
    """A JSON value as a query string value (booleans as `true`/`false`, structures as JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else str(value)


class OperationCases:
    """The valid and invalid requests of one operation of a version (path parameters aside)."""

    def __init__(self, version: ContractVersion, op: Operation) -> None:
        self.version = version
        self.op = op
        schema = version.request_schema(op.id)
        self._judge = LinearValidator(schema, registry=version.registry) if schema is not None else None
        self._fields: dict[str, FieldShape] = {}
        if op.request_body is not None:
            flat = SchemaFlattener(version.schemas).flatten(op.request_body.schema)
            self._fields = {p: s for p, s in flat.items() if p and "." not in p and "[" not in p}
        self._closed = op.request_body is not None and _closes(op.request_body.schema, version.schemas)
        self._params = {p.name: p for p in op.query_params}
        self._sites = self._mutation_sites()

    def _mutation_sites(self) -> list[tuple[str, str]]:
        """Every (mutation, field) that applies to the operation: the body's top-level fields and its
        query parameters (a field a drawn body lacks gets the breaking value added)."""
        sites: list[tuple[str, str]] = []
        if self.op.request_body is not None:
            if self.op.request_body.required:
                sites.append(("no body", ""))
            sites.append(("not an object", ""))
            for name, shape in sorted(self._fields.items()):
                sites += [("missing", name)] if shape.required else []
                sites += [("type", name)] if _wrong_value(shape) is not None else []
                sites += [("enum", name)] if shape.enum else []
                sites += [(k, name) for k, _ in shape.constraints if k in _BOUNDS]
            if self._closed:
                sites.append(("additionalProperties", ""))
        for name, param in sorted(self._params.items()):
            sites += [("query missing", name)] if param.required else []
            sites += [("query", name)] if _breakable(param) else []
        return sites

    @property
    def has_body(self) -> bool:
        return self.op.request_body is not None

    def body_is_valid(self, body: Any) -> bool:
        return self._judge is None or bool(self._judge.is_valid(body))

    def _param_is_valid(self, param: Parameter, value: Any) -> bool:
        schema = rooted(param.schema, f"{self.version.base}fuzz-query-{self.op.id}-{param.name}.json")
        return bool(LinearValidator(schema, registry=self.version.registry).is_valid(value))

    # --- valid requests ----------------------------------------------------------------------------

    def _query(self) -> st.SearchStrategy[dict[str, Any]]:
        """Typed values of the documented query parameters: required ones always, others maybe."""
        needed: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for param in self._params.values():
            if _structured(param.schema):
                continue  # arrays and objects have no one query spelling; left to their defaults
            strategy = from_schema(param.schema, self.version.schemas)
            (needed if param.required else optional)[param.name] = strategy
        return st.fixed_dictionaries(needed, optional=optional)

    def _body(self) -> st.SearchStrategy[Any]:
        if self.op.request_body is None:
            return st.none()
        body = from_schema(self.op.request_body.schema, self.version.schemas)
        # A body the version's own validator refuses (a pattern the strategy cannot honour) is no valid case.
        return body.filter(self.body_is_valid)

    def valid(self) -> st.SearchStrategy[Drawn]:
        return st.builds(
            lambda q, b: Drawn({k: query_text(v) for k, v in q.items()}, b), self._query(), self._body()
        )

    # --- invalid requests --------------------------------------------------------------------------

    def mutations_possible(self) -> bool:
        """Whether any mutation applies: a body to break, or a query parameter with a constraint."""
        return bool(self._sites)

    def invalid(self) -> st.SearchStrategy[Drawn]:
        """A valid request with one mutation; the draws that stay valid (a union admits the wrong type,
        say) are filtered out, so every case is one the version refuses."""

        @st.composite
        def mutated(draw: st.DrawFn) -> Drawn | None:
            return self._mutate(draw)

        return mutated().filter(lambda d: d is not None)  # type: ignore[return-value]

    def _mutate(self, draw: st.DrawFn) -> Drawn | None:
        base = draw(self.valid())
        typed_query = dict(base.query)
        # The same list whatever the base request holds, so shrinking the base away from an optional
        # field never moves the draw to another mutation.
        sites = self._sites
        if not sites:
            return None
        what, name = draw(st.sampled_from(sites))
        if what == "missing" and not (isinstance(base.body, dict) and name in base.body):
            return None
        if what == "query missing" and name not in typed_query:
            return None
        if what.startswith("query"):
            return self._mutate_query(draw, base, what, name)
        return self._mutate_body(base, what, name)

    def _mutate_body(self, base: Drawn, what: str, name: str) -> Drawn | None:
        body = dict(base.body) if isinstance(base.body, dict) else {}
        if what == "no body":
            return Drawn(base.query, None, "the required body left out", "required")
        if what == "not an object":
            mutated: Any = [base.body]
            return Drawn(base.query, mutated, "the body is an array", "type")
        if what == "missing":
            del body[name]
            return self._checked(base, body, f"body.{name} left out", "required")
        if what == "additionalProperties":
            body[UNDOCUMENTED] = 1
            return self._checked(base, body, f"body.{UNDOCUMENTED}: an undocumented field", what)
        shape = self._fields[name]
        if what == "type":
            body[name] = _wrong_value(shape)
            return self._checked(
                base, body, f"body.{name}: {_type_of(body[name])} instead of {shape.types}", what
            )
        if what == "enum":
            body[name] = "apidrift-not-in-the-enum"
            return self._checked(base, body, f"body.{name}: a value outside its enum", what)
        value = _over_bound(what, dict(shape.constraints)[what])
        if value is None:
            return None
        body[name] = value
        return self._checked(base, body, f"body.{name}: {json.dumps(value)} breaks {what}", what)

    def _checked(self, base: Drawn, body: Any, mutation: str, keyword: str) -> Drawn | None:
        return None if self.body_is_valid(body) else Drawn(base.query, body, mutation, keyword)

    def _mutate_query(self, draw: st.DrawFn, base: Drawn, what: str, name: str) -> Drawn | None:
        query = dict(base.query)
        if what == "query missing":
            del query[name]
            return Drawn(query, base.body, f"query {name} left out", "required")
        param = self._params[name]
        kind, value = draw(st.sampled_from(_query_breakers(param.schema)))
        if self._param_is_valid(param, value):
            return None
        query[name] = query_text(value)
        return Drawn(query, base.body, f"query {name}={query[name]} breaks {kind}", kind)


def _structured(schema: JSONSchema) -> bool:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(k in ("array", "object") for k in kinds)


def _breakable(param: Parameter) -> bool:
    return not _structured(param.schema) and bool(_query_breakers(param.schema))


def _query_breakers(schema: JSONSchema) -> list[tuple[str, Any]]:
    """Query values that break a parameter's schema: a word where a number or boolean goes, a value
    outside the enum, a number or length just past a bound."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    out: list[tuple[str, Any]] = []
    if any(k in ("integer", "number", "boolean") for k in kinds) and "string" not in kinds:
        out.append(("type", "apidrift"))
    if isinstance(schema.get("enum"), list):
        out.append(("enum", "apidrift-not-in-the-enum"))
    for keyword in _BOUNDS:
        if keyword in schema and (value := _over_bound(keyword, schema[keyword])) is not None:
            out.append((keyword, value))
    return out


def _over_bound(keyword: str, bound: Any) -> Any:
    """A value just outside one bound (None when the bound cannot be stepped over)."""
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        return None
    steps: dict[str, Callable[[Any], Any]] = {
        "minimum": lambda b: b - 1,
        "exclusiveMinimum": lambda b: b,
        "maximum": lambda b: b + 1,
        "exclusiveMaximum": lambda b: b,
        "minLength": lambda b: "a" * (int(b) - 1) if b >= 1 else None,
        "maxLength": lambda b: "a" * (int(b) + 1) if b < 10_000 else None,
        "minItems": lambda b: [] if b >= 1 else None,
        "maxItems": lambda b: [None] * (int(b) + 1) if b < 1_000 else None,
    }
    return steps[keyword](bound)


def _wrong_value(shape: FieldShape) -> Any:
    admitted = set(shape.types) | ({"integer"} if "number" in shape.types else set())
    if not shape.types:
        return None
    return next((value for kind, value in _WRONG if kind not in admitted), None)


def _type_of(value: Any) -> str:
    return next(kind for kind, sample in _WRONG if type(sample) is type(value))


def _closes(schema: JSONSchema, defs: Mapping[str, JSONSchema], depth: int = 0) -> bool:
    """Whether the body's top object refuses undocumented fields (`additionalProperties: false`)."""
    while "$ref" in schema and depth < 32:
        schema, depth = defs.get(str(schema["$ref"]).split("/")[-1], {}), depth + 1
    return schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False
