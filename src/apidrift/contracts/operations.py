"""Operations as a contract holds them: parameters, bodies with every media type, responses with
their headers, security and lifecycle (deprecated, sunset, stability), and their JSON form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apidrift.contracts.transport import (
    Encoding,
    Server,
    encodings_from_json,
    server_to_json,
    servers_from_json,
)
from apidrift.errors import ContractError

JSONSchema = dict[str, Any]
# One way to authenticate: scheme name -> scopes; an operation lists alternatives (OpenAPI `security`).
SecurityRequirement = Mapping[str, tuple[str, ...]]


# Extensions kept as lifecycle facts whatever their exact name; the diff's policy says which it reads.
LIFECYCLE_WORDS = re.compile(r"deprecat|sunset|remov|retire|stabil|stage|maturity|lifecycle", re.IGNORECASE)


def is_lifecycle_extension(key: Any) -> bool:
    """An `x-` extension whose name speaks of deprecation, sunset, removal or stability."""
    return isinstance(key, str) and key.startswith("x-") and LIFECYCLE_WORDS.search(key) is not None


def derived_operation_id(method: str, path: str) -> str:
    """The id of an operation its document gives no `operationId`: its method and path, slugged."""
    slug = path.strip("/").replace("/", "-").replace("{", "").replace("}", "")
    return f"{method.lower()}-{slug}"


@dataclass(frozen=True)
class Header:
    """A documented response header."""

    name: str
    required: bool
    schema: JSONSchema
    deprecated: bool = False


@dataclass(frozen=True)
class Lifecycle:
    """Whether an operation or parameter is on its way out, by when, and how stable it claims to be."""

    deprecated: bool = False
    sunset: str | None = None  # ISO date from `x-sunset` (or `x-deprecation-date`)
    stability: str | None = None  # `x-stability` / `x-stability-level`, e.g. beta, stable
    # Every lifecycle-like `x-` extension as written (name, text), so the diff's policy can read the
    # names a team uses (`x-retire-on`, `x-deprecated-at`) without importing the document again.
    extensions: tuple[tuple[str, str], ...] = ()

    @property
    def documented(self) -> bool:
        return self != Lifecycle()


def headers_to_json(headers: Mapping[str, Header]) -> dict[str, Any]:
    return {
        name: {"required": h.required, "schema": h.schema, **({"deprecated": True} if h.deprecated else {})}
        for name, h in sorted(headers.items())
    }


def headers_from_json(raw: Any) -> dict[str, Header]:
    if not isinstance(raw, dict):
        return {}
    return {
        str(name): Header(
            str(name), bool(h.get("required", False)), dict(h.get("schema") or {}), bool(h.get("deprecated"))
        )
        for name, h in raw.items()
        if isinstance(h, dict)
    }


def lifecycle_to_json(lifecycle: Lifecycle) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if lifecycle.deprecated:
        out["deprecated"] = True
    if lifecycle.sunset:
        out["sunset"] = lifecycle.sunset
    if lifecycle.stability:
        out["stability"] = lifecycle.stability
    if lifecycle.extensions:
        out["lifecycle_extensions"] = dict(lifecycle.extensions)
    return out


def lifecycle_from_json(raw: Any) -> Lifecycle:
    if not isinstance(raw, dict):
        return Lifecycle()
    sunset, stability = raw.get("sunset"), raw.get("stability")
    extensions = raw.get("lifecycle_extensions")
    return Lifecycle(
        deprecated=bool(raw.get("deprecated", False)),
        sunset=str(sunset) if sunset else None,
        stability=str(stability) if stability else None,
        extensions=tuple((str(k), str(v)) for k, v in extensions.items())
        if isinstance(extensions, dict)
        else (),
    )


def security_to_json(security: tuple[SecurityRequirement, ...] | None) -> list[dict[str, list[str]]] | None:
    if security is None:
        return None
    return [{name: list(scopes) for name, scopes in sorted(req.items())} for req in security]


def security_from_json(raw: Any) -> tuple[SecurityRequirement, ...] | None:
    if not isinstance(raw, list):
        return None
    return tuple(
        {str(name): tuple(str(s) for s in scopes or ()) for name, scopes in req.items()}
        for req in raw
        if isinstance(req, dict)
    )


def media_from_json(raw: Any) -> dict[str, JSONSchema | None]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): (v if isinstance(v, dict) else None) for k, v in raw.items()}


@dataclass(frozen=True)
class Parameter:
    """A path, query or header parameter of an operation."""

    name: str
    location: str
    required: bool
    schema: JSONSchema
    description: str = ""
    lifecycle: Lifecycle = Lifecycle()
    # How the value is written on the wire (OpenAPI `style` and `explode`), as the document states
    # them: "" and None mean the default for its location.
    style: str = ""
    explode: bool | None = None
    # OpenAPI `allowEmptyValue` (a query parameter sent with an empty value) and `allowReserved`
    # (reserved characters sent unencoded); both false unless stated.
    allow_empty: bool = False
    allow_reserved: bool = False


@dataclass(frozen=True)
class RequestBody:
    """The documented JSON body an operation accepts."""

    required: bool
    schema: JSONSchema
    content_type: str = "application/json"
    # Every other media type the body may take, with its schema (None: not described).
    media: Mapping[str, JSONSchema | None] = field(default_factory=dict)
    # How the parts of a multipart or form body travel, by media type then property (OpenAPI `encoding`).
    encoding: Mapping[str, Encoding] = field(default_factory=dict)

    @property
    def all_media(self) -> dict[str, JSONSchema | None]:
        return {self.content_type: self.schema, **self.media}


@dataclass(frozen=True)
class ResponseSpec:
    """The documented response of one status; `schema` is None when no body is documented."""

    status: str
    description: str
    schema: JSONSchema | None
    # OpenAPI `links`: name -> {"operationId": ..., "parameters": {param: "$response.body#/id"}}.
    links: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, Header] = field(default_factory=dict)
    # The media type `schema` describes (None: JSON, or no body), and every other one with its schema.
    content_type: str | None = None
    media: Mapping[str, JSONSchema | None] = field(default_factory=dict)

    @property
    def all_media(self) -> dict[str, JSONSchema | None]:
        primary = {self.content_type or "application/json": self.schema} if self.schema is not None else {}
        return {**primary, **self.media}


@dataclass(frozen=True)
class Operation:
    """One documented HTTP operation of a contract version."""

    id: str
    method: str
    path: str
    summary: str
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    responses: Mapping[str, ResponseSpec]
    sources: tuple[str, ...] = ()
    lifecycle: Lifecycle = Lifecycle()
    # The alternatives that authenticate a call (None: not documented; () : no authentication).
    security: tuple[SecurityRequirement, ...] | None = None
    # The document's grouping names (OpenAPI `tags`), for `--tag` filters; empty when it has none.
    tags: tuple[str, ...] = ()
    # The servers of its path item or its own (OpenAPI `servers`), which replace the document's.
    servers: tuple[Server, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_params(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    def response_for(self, status: str | int) -> ResponseSpec | None:
        """The documented response that covers an HTTP status, as OpenAPI's Responses Object says: the
        status itself, else its range (`4XX`, any case), else `default`; None when none covers it."""
        code = str(status)
        exact = self.responses.get(code)
        if exact is not None or not (len(code) == 3 and code.isdigit()):
            return exact
        wildcard = f"{code[0]}XX"
        for key, spec in self.responses.items():
            if key.upper() == wildcard:
                return spec
        return self.responses.get("default")


def operation_to_json(op: Operation) -> dict[str, Any]:
    return {
        "id": op.id,
        "method": op.method,
        "path": op.path,
        "summary": op.summary,
        # Written only when there are some, so contracts imported before tags existed stay as they were.
        **({"tags": list(op.tags)} if op.tags else {}),
        "sources": list(op.sources),
        "parameters": [
            {
                "name": p.name,
                "in": p.location,
                "required": p.required,
                **({"description": p.description} if p.description else {}),
                "schema": p.schema,
                **lifecycle_to_json(p.lifecycle),
                # Written only when stated, so contracts imported before they were kept stay as they were.
                **({"style": p.style} if p.style else {}),
                **({"explode": p.explode} if p.explode is not None else {}),
                **({"allowEmptyValue": True} if p.allow_empty else {}),
                **({"allowReserved": True} if p.allow_reserved else {}),
            }
            for p in op.parameters
        ],
        "request_body": None
        if op.request_body is None
        else {
            "required": op.request_body.required,
            "content_type": op.request_body.content_type,
            "schema": op.request_body.schema,
            **({"media": dict(op.request_body.media)} if op.request_body.media else {}),
            **({"encoding": dict(op.request_body.encoding)} if op.request_body.encoding else {}),
        },
        "responses": {status: _response_to_json(spec) for status, spec in sorted(op.responses.items())},
        **lifecycle_to_json(op.lifecycle),
        **({"security": security_to_json(op.security)} if op.security is not None else {}),
        **({"servers": [server_to_json(s) for s in op.servers]} if op.servers else {}),
    }


def _response_to_json(spec: ResponseSpec) -> dict[str, Any]:
    # Only what is documented is written: contracts without headers or other media stay as they were.
    return {
        "description": spec.description,
        "schema": spec.schema,
        **({"links": dict(spec.links)} if spec.links else {}),
        **({"headers": headers_to_json(spec.headers)} if spec.headers else {}),
        **({"content_type": spec.content_type} if spec.content_type else {}),
        **({"media": dict(spec.media)} if spec.media else {}),
    }


# --- loading -------------------------------------------------------------------------------


def require(obj: Any, key: str, kind: type | tuple[type, ...], file: Path, pointer: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise ContractError(f"missing required field {key!r}", file=file, pointer=f"{pointer}/{key}")
    value = obj[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ContractError(
            f"{key!r} must be {names}, got {type(value).__name__}",
            file=file,
            pointer=f"{pointer}/{key}",
        )
    return value


def parse_operation(raw: Any, file: Path, pointer: str) -> Operation:
    op_id = require(raw, "id", str, file, pointer)
    parameters = []
    for i, p in enumerate(raw.get("parameters", [])):
        where = f"{pointer}/parameters/{i}"
        parameters.append(
            Parameter(
                name=require(p, "name", str, file, where),
                location=require(p, "in", str, file, where),
                required=bool(p.get("required", False)),
                schema=require(p, "schema", dict, file, where),
                description=p.get("description", ""),
                lifecycle=lifecycle_from_json(p),
                style=p["style"] if isinstance(p.get("style"), str) else "",
                explode=p["explode"] if isinstance(p.get("explode"), bool) else None,
                allow_empty=p.get("allowEmptyValue") is True,
                allow_reserved=p.get("allowReserved") is True,
            )
        )
    body_raw = raw.get("request_body")
    body = None
    if body_raw is not None:
        where = f"{pointer}/request_body"
        body = RequestBody(
            required=bool(body_raw.get("required", False)),
            schema=require(body_raw, "schema", (dict, bool), file, where),
            content_type=body_raw.get("content_type", "application/json"),
            media=media_from_json(body_raw.get("media")),
            encoding=encodings_from_json(body_raw.get("encoding"), file, f"{where}/encoding"),
        )
    responses_raw = require(raw, "responses", dict, file, pointer)
    responses = {}
    for status, spec in responses_raw.items():
        where = f"{pointer}/responses/{status}"
        # OpenAPI 3.1's boolean schemas are kept as `import-openapi` captures them (`rooted` reads them).
        raw_schema = spec.get("schema") if isinstance(spec, dict) else None
        if raw_schema is not None and not isinstance(raw_schema, (dict, bool)):
            raise ContractError("'schema' must be an object, a boolean or null", file=file, pointer=where)
        schema: Any = raw_schema
        links = spec.get("links", {}) if isinstance(spec, dict) else {}
        if not isinstance(links, dict):
            raise ContractError("'links' must be an object", file=file, pointer=f"{where}/links")
        responses[str(status)] = ResponseSpec(
            str(status),
            spec.get("description", ""),
            schema,
            links,
            headers=headers_from_json(spec.get("headers")),
            content_type=spec.get("content_type"),
            media=media_from_json(spec.get("media")),
        )
    return Operation(
        id=op_id,
        method=require(raw, "method", str, file, pointer).upper(),
        path=require(raw, "path", str, file, pointer),
        summary=raw.get("summary", ""),
        parameters=tuple(parameters),
        request_body=body,
        responses=responses,
        sources=tuple(raw.get("sources", [])),
        lifecycle=lifecycle_from_json(raw),
        security=security_from_json(raw.get("security")),
        tags=_tags(raw.get("tags", []), file, f"{pointer}/tags"),
        servers=servers_from_json(raw.get("servers"), file, f"{pointer}/servers"),
    )


def _tags(raw: Any, file: Path, pointer: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise ContractError("'tags' must be a list of strings", file=file, pointer=pointer)
    return tuple(raw)
