"""Request-side checks: what a sender sent, against what a version documents.

A request body is validated strictly against the operation's request schema (violations and
undocumented fields, with renames paired as for responses); query and path parameters against the
documented parameters (undocumented, missing when required, a value of the wrong type). Each
request is scored against every version, so drift on the sender's side is fingerprinted too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apidrift.check.fingerprint import fingerprint
from apidrift.check.patterns import compile_validator
from apidrift.check.renames import RenamePair, pair_renames
from apidrift.check.validation import ResponseValidator, ValidationResult, explain
from apidrift.contracts.model import JSONSchema, Operation, Parameter, rooted
from apidrift.contracts.parameters import json_types, parameter_value
from apidrift.errors import UnknownOperationError
from apidrift.traffic.exchange import Exchange, is_json_type

REQUEST = "request"  # the pseudo-status a request body is validated under


class RequestValidator(ResponseValidator):
    """A `ResponseValidator` of request bodies (under the status `request`) and parameters."""

    # A request never carries `readOnly` fields: they are not required of it.
    hidden = "readOnly"

    def __init__(self, version: Any) -> None:
        super().__init__(version)
        self._params: dict[tuple[str, str, str], Any] = {}

    def _body_schema(self, op_id: str, status: str) -> JSONSchema | None:
        body = self.version.operation(op_id).request_body
        return body.schema if body is not None else None

    def _schema(self, op_id: str, status: str) -> JSONSchema:
        schema = self.version.request_schema(op_id)
        if schema is None:
            raise UnknownOperationError(f"{op_id} in {self.version.version} documents no request body")
        return schema

    def parameter_errors(self, op_id: str, param: Parameter, value: Any) -> list[str]:
        """Why `value` is not what the parameter's schema says (empty when it is)."""
        key = (op_id, param.location, param.name)
        compiled = self._params.get(key)
        if compiled is None:
            schema_id = f"{self.version.base}op-{op_id}-{param.location}-{param.name}.json"
            compiled = self._params[key] = compile_validator(
                rooted(param.schema, schema_id), self._rs_registry
            )
        return [explain(e).message for e in compiled.iter_errors(value)]


@dataclass(frozen=True)
class ParameterProblem:
    """A query or path parameter the version does not document, misses, or gets in the wrong type."""

    kind: str  # undocumented, missing, invalid
    location: str  # query, path
    name: str
    message: str

    @property
    def breaks(self) -> bool:
        """Missing and invalid parameters break the version; an undocumented one is drift."""
        return self.kind != "undocumented"


@dataclass(frozen=True)
class RequestFit:
    """How one request fits one version: its body, its parameters, likely renames."""

    version: str
    documented: bool
    body: ValidationResult | None = None
    body_note: str | None = None  # a body sent where none is documented, or not JSON
    body_breaks: bool = False
    parameters: tuple[ParameterProblem, ...] = ()
    renames: tuple[RenamePair, ...] = ()

    @property
    def valid(self) -> bool:
        if not self.documented or self.body_breaks:
            return False
        return (self.body is None or self.body.valid) and not any(p.breaks for p in self.parameters)

    @property
    def exact(self) -> bool:
        body_exact = self.body is None or self.body.exact
        return self.valid and body_exact and not self.parameters and self.body_note is None

    @property
    def score(self) -> float:
        if not self.documented:
            return 0.0
        broken = sum(p.breaks for p in self.parameters) + int(self.body_breaks)
        drift = sum(not p.breaks for p in self.parameters) + int(
            self.body_note is not None and not self.body_breaks
        )
        if self.body is not None:
            broken += len(self.body.violations)
            drift += len(self.body.undocumented)
        return round(1.0 / (1.0 + broken + 0.5 * drift), 3)

    def differences(self) -> list[str]:
        if not self.documented:
            return ["not documented"]
        out = [
            f"`{p.old}` missing, `{p.new}` sent — looks like a rename ({p.confidence:.2f})"
            for p in self.renames
        ]
        renamed = {p.old for p in self.renames} | {p.new for p in self.renames}
        if self.body_note:
            out.append(self.body_note)
        if self.body is not None:
            out += [
                f"body `{v.field or '(root)'}`: {v.message}"
                for v in self.body.violations
                if v.field not in renamed
            ]
            out += [
                f"body `{u.field}` undocumented" for u in self.body.undocumented if u.field not in renamed
            ]
        out += [p.message for p in self.parameters if p.name not in renamed]
        return list(dict.fromkeys(out))


@dataclass(frozen=True)
class CheckedRequest:
    """One request checked against its target version and scored against every version."""

    where: str
    operation: str
    method: str
    path: str
    against: str
    fits: tuple[RequestFit, ...]

    @property
    def target(self) -> RequestFit:
        return next(f for f in self.fits if f.version == self.against)

    @property
    def ok(self) -> bool:
        return self.target.valid

    @property
    def best(self) -> str | None:
        """The one version the request fits best; None on a tie or when it fits none."""
        ranked = sorted(self.fits, key=lambda f: -f.score)
        if not ranked or ranked[0].score == 0.0 or (len(ranked) > 1 and ranked[1].score == ranked[0].score):
            return None
        return ranked[0].version

    def summary(self) -> str:
        """The request's fingerprint in words: which version it fits, and how it differs from the others."""
        exact = [f.version for f in self.fits if f.exact]
        best = self.best
        if best is None:
            top = max((f.score for f in self.fits), default=0.0)
            tied = [f.version for f in self.fits if f.score == top]
            head = f"fits {', '.join(tied)} equally" if top > 0 else "fits no version"
        else:
            head = f"matches {best}" if best in exact else f"closest to {best}"
        tail = "; ".join(
            f"against {f.version}: {', '.join(f.differences()[:4])}"
            for f in self.fits
            if f.version != best and f.differences()
        )
        return f"{head}; {tail}" if tail else head


def check_request(
    exchange: Exchange,
    operation: str,
    path: str,
    path_params: dict[str, str],
    validators: Sequence[RequestValidator],
    against: str,
) -> CheckedRequest:
    """The request of `exchange` (matched to `operation`) checked against every validator's version."""
    body, body_note = _json_body(exchange)
    by_version = {}
    if body is not _ABSENT and body_note is None:
        scored = fingerprint(validators, operation, REQUEST, body)
        by_version = {s.version: s for s in scored.scores}
    fits = []
    for validator in validators:
        label = validator.version.version
        op = validator.version.operations.get(operation)
        if op is None:
            fits.append(RequestFit(label, documented=False))
            continue
        problems = _parameters(op, exchange.query, path_params, validator)
        param_renames = _parameter_renames(op, exchange.query, problems)
        score = by_version.get(label)
        note, breaks = body_note, False
        if body is not _ABSENT and op.request_body is None:
            note = "a request body was sent; the version documents none"
        elif body is _ABSENT and op.request_body is not None and op.request_body.required:
            note, breaks = "the version requires a request body; none was sent", True
        elif body_note == NOT_JSON and op.request_body is not None:
            breaks = True  # sent as JSON (or unlabelled), yet not JSON
        result = score.result if score is not None and op.request_body is not None else None
        renames = (*(score.renames if score is not None and result is not None else ()), *param_renames)
        fits.append(RequestFit(label, True, result, note, breaks, tuple(problems), tuple(renames)))
    return CheckedRequest(exchange.where, operation, exchange.method, path, against, tuple(fits))


_ABSENT: Any = object()
NOT_JSON = "the request body is not JSON"


def _json_body(exchange: Exchange) -> tuple[Any, str | None]:
    """The request's body as JSON (`_ABSENT` when there is none), or why it is not JSON."""
    raw = exchange.request_body
    if raw is None or not raw.strip():
        return _ABSENT, None
    content_type = exchange.request_header("content-type")
    try:
        return json.loads(raw), None
    except (ValueError, RecursionError):
        kind = (content_type or "no content type").split(";", 1)[0]
        if content_type and not is_json_type(content_type):
            return None, f"the request body is {kind}, not JSON: not checked"
        return None, NOT_JSON


def _parameters(
    op: Operation, query: Sequence[tuple[str, str]], path_params: dict[str, str], validator: RequestValidator
) -> list[ParameterProblem]:
    problems: list[ParameterProblem] = []
    documented = {p.name: p for p in op.parameters if p.location == "query"}
    sent: dict[str, list[tuple[str, str]]] = {}
    for name, value in query:
        param = _documented_as(name, documented)
        if param is None:
            message = f"query parameter `{name}` is not documented"
            problems.append(ParameterProblem("undocumented", "query", name, message))
            continue
        sent.setdefault(param.name, []).append((name, value))
    for name, param in documented.items():
        if name not in sent:
            if param.required:
                message = f"required query parameter `{name}` was not sent"
                problems.append(ParameterProblem("missing", "query", name, message))
            continue
        value = _coerce_query(param, sent[name])
        for error in validator.parameter_errors(op.id, param, value):
            problems.append(ParameterProblem("invalid", "query", name, f"query parameter `{name}`: {error}"))
    for param in (p for p in op.parameters if p.location == "path"):
        if param.name in path_params:
            value = parameter_value(path_params[param.name], param.schema)
            for error in validator.parameter_errors(op.id, param, value):
                message = f"path parameter `{param.name}`: {error}"
                problems.append(ParameterProblem("invalid", "path", param.name, message))
    return problems


def _parameter_renames(
    op: Operation, query: Sequence[tuple[str, str]], problems: list[ParameterProblem]
) -> list[RenamePair]:
    """An undocumented query parameter sent where a documented one was not: probably the same one
    under the other version's name (paired as fields are: by name evidence)."""
    sent = {name for name, _ in query}
    added = [(p.name, "") for p in problems if p.kind == "undocumented"]
    removed = [(p.name, "") for p in op.parameters if p.location == "query" and p.name not in sent]
    return pair_renames(removed, added) if added and removed else []


def _documented_as(name: str, documented: dict[str, Parameter]) -> Parameter | None:
    """The documented parameter a sent name stands for: itself, or `x` for `x[]` / `x[key]` (and `x[]`
    for `x`), as array and deepObject styles spell them."""
    if name in documented:
        return documented[name]
    base = name.split("[", 1)[0]
    for candidate in (base, f"{base}[]"):
        if candidate in documented:
            return documented[candidate]
    return None


def _coerce_query(param: Parameter, values: list[tuple[str, str]]) -> Any:
    """Query strings as the JSON values the parameter's schema describes (an array from repeated
    names, an object from `x[key]` names), so the schema can judge them."""
    schema = param.schema
    types = json_types(schema)
    if "object" in types and any("[" in name for name, _ in values):
        raw_props = schema.get("properties")
        props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        out = {}
        for name, value in values:
            key = name.split("[", 1)[1].rstrip("]") if "[" in name else name
            out[key] = parameter_value(value, props.get(key, {}))
        return out
    if "array" in types:
        raw_items = schema.get("items")
        items: JSONSchema = raw_items if isinstance(raw_items, dict) else {}
        return [parameter_value(value, items) for _, value in values]
    return parameter_value(values[-1][1], schema)
    if "integer" in types:
        try:
            return int(value)
        except ValueError:
            pass
    if "number" in types:
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if number == number and abs(number) != float("inf"):  # NaN and infinities are not JSON
                return number
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    if "null" in types and value in ("", "null"):
        return None
    return value
