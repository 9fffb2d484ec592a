"""Import an OpenAPI 3.0/3.1 document into a contract version (JSON Schema draft 2020-12)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from apidrift.contracts.model import (
    ContractVersion,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
)
from apidrift.contracts.operations import derived_operation_id
from apidrift.contracts.safeload import escape
from apidrift.contracts.transport import encoding_from_openapi, servers_from_openapi
from apidrift.errors import ContractError, OpenAPIError
from apidrift.openapi.components import (
    METHODS,
    Finding,
    FindingKind,
    ImportedExample,
    json_content,
    resolve_component,
)
from apidrift.openapi.document import load_document
from apidrift.openapi.schemas import SchemaConverter, reachable_schemas
from apidrift.openapi.surface import (
    lifecycle_of,
    other_media,
    response_headers,
    security_of,
    security_schemes,
    servers_of,
)

__all__ = [
    "METHODS",
    "ImportResult",
    "ImportedExample",
    "SchemaConverter",
    "import_document",
    "load_document",
]

# What a link keeps: enough for a live sweep to find the operation and fill its parameters.
_LINK_KEYS = ("operationId", "operationRef", "parameters", "requestBody")


@dataclass
class ImportResult:
    """A contract version imported from a spec, with the spec's own documented examples."""

    version: ContractVersion
    examples: list[ImportedExample]
    problems: list[Finding]


def operation_id_for(method: str, path: str, op: dict[str, Any]) -> str:
    explicit = op.get("operationId")
    if isinstance(explicit, str) and explicit:
        return explicit
    return derived_operation_id(method, path)


# A path template's expressions: `{name}`, a whole segment or part of one.
_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
_KINDS = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "text",
    list: "a list",
    dict: "a mapping",
}


def _kind(value: Any) -> str:
    return "null" if value is None else _KINDS.get(type(value), type(value).__name__)


def _content(part: Any, file: str | None, pointer: str) -> Any:
    """A request body's or response's `content`, which must be a mapping of media types when given."""
    content = part.get("content")
    if content is not None and not isinstance(content, dict):
        message = f"'content' must be a mapping of media types, not {_kind(content)}"
        raise OpenAPIError(message, file=file, pointer=f"{pointer}/content")
    return content


def _check_path_item(path: Any, item: Any, file: str | None) -> None:
    """A key of `paths` that is no text (YAML reads `12:`, `true:`, `~:` as a number, a bool, null) or
    a path item that is no mapping is an error: skipping it would drop its operations unsaid."""
    if not isinstance(path, str):
        message = f"a path must be text, not {_kind(path)} ({path!r}): quote it"
        raise OpenAPIError(message, file=file, pointer=f"/paths/{escape(str(path))}")
    if not isinstance(item, dict) and not path.startswith("x-"):
        message = f"a path item must be a mapping, not {_kind(item)}"
        raise OpenAPIError(message, file=file, pointer=f"/paths/{escape(path)}")


def in_scope(path: str, scope: tuple[str, ...]) -> bool:
    """Whether a path template falls under one of the prefixes; no prefix at all is everything."""
    return not scope or path.startswith(scope)


def import_document(
    document: dict[str, Any],
    *,
    api: str,
    version: str,
    scope: Iterable[str] = (),
    select: Callable[[str, str, str], bool] | None = None,
    rename: Callable[[str], str] = lambda name: name,
    source: str = "openapi",
    file: str | None = None,
) -> ImportResult:
    """Convert the operations under `scope` (all when empty) and every schema they reach."""
    from apidrift.openapi.examples import operation_examples

    components = _mapping(_mapping(document, "components", file, ""), "schemas", file, "/components")
    findings: list[Finding] = []
    # 3.1 (and later 3.x) schemas are 2020-12: keywords beside a `$ref` apply; 3.0 ignores them.
    siblings = not str(document.get("openapi", "")).startswith(("3.0", "2."))
    converter = SchemaConverter(
        components, rename=rename, file=file, findings=findings, ref_siblings=siblings
    )
    operations: dict[str, Operation] = {}
    # Callbacks are requests the API sends, as webhooks are: they are kept, and compared, as webhooks.
    callbacks: dict[str, Operation] = {}
    examples: list[ImportedExample] = []
    prefixes = tuple(scope)
    for path, item in document["paths"].items():
        _check_path_item(path, item, file)
        if not in_scope(path, prefixes) or path.startswith("x-"):
            continue
        shared = item.get("parameters") or []
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            if not isinstance(op, dict):
                message = f"an operation must be a mapping, not {_kind(op)}"
                raise OpenAPIError(message, file=file, pointer=f"/paths/{escape(path)}/{method}")
            op_id = operation_id_for(method, path, op)
            if select is not None and not select(op_id, method.upper(), path):
                continue
            pointer = f"/paths/{escape(path)}/{method}"
            if op_id in operations:
                op_id = _unique_id(op_id, method, path, operations, findings, file, pointer)
            try:
                site = _Site(
                    op_id=op_id,
                    method=method,
                    path=path,
                    op=op,
                    shared=shared,
                    pointer=pointer,
                    servers=item.get("servers"),
                )
                operation = _import_operation(document, converter, site, findings)
            except (AttributeError, TypeError, KeyError) as exc:
                # A list where a mapping belongs, say: one clear error instead of a traceback.
                message = f"malformed operation ({type(exc).__name__}: {exc})"
                raise OpenAPIError(message, file=file, pointer=pointer) from None
            operations[op_id] = replace(operation, sources=(f"{source} {op_id}",))
            examples += operation_examples(document, operation, op, pointer, source, file, findings)
            callbacks.update(_callbacks(document, converter, site, findings))
    # Webhooks are not under `paths`: they come with a whole-document import only.
    webhooks = {} if prefixes else _webhooks(document, converter, findings, select)
    webhooks.update(callbacks)
    schemas = reachable_schemas(
        {**operations, **webhooks}, components, rename, file, findings, ref_siblings=siblings
    )
    try:
        contract = ContractVersion(
            api=api,
            version=version,
            date=None,
            description=str(_mapping(document, "info", file, "").get("title", "")),
            sources=(source,),
            operations=operations,
            schemas=schemas,
            security_schemes=security_schemes(document),
            webhooks=webhooks,
            servers=servers_of(document),
            server_specs=servers_from_openapi(document.get("servers")),
        )
    except ContractError as exc:
        # A version checks its references when it is built: a loop among the converted schemas is
        # the document's, and named where it is written there (the contract file does not exist yet).
        pointer = exc.pointer.replace("/$defs/", "/components/schemas/", 1)
        message = f"schema unsound once converted: {exc.message}"
        raise OpenAPIError(message, file=file, pointer=pointer) from None
    # Shared path-level parameters are converted once per method; each defect is reported once.
    return ImportResult(contract, examples, list(dict.fromkeys(findings)))


def _unique_id(
    op_id: str,
    method: str,
    path: str,
    operations: dict[str, Operation],
    findings: list[Finding],
    file: str | None,
    pointer: str,
) -> str:
    """A duplicate operationId loses no operation: the second one is imported under a derived id."""
    derived = operation_id_for(method, path, {})
    unique, n = derived, 1
    while unique in operations:
        n += 1
        unique = f"{derived}-{n}"
    message = (
        f"duplicate operationId {op_id!r} (also {operations[op_id].key}); {method.upper()} {path} "
        f"imported as {unique!r}"
    )
    findings.append(
        Finding(FindingKind.DUPLICATE_OPERATION_ID, message, op_id, file, f"{pointer}/operationId")
    )
    return unique


def _mapping(parent: dict[str, Any], key: str, file: str | None, pointer: str) -> dict[str, Any]:
    """`parent[key]` when it is a mapping, {} when absent or null; anything else is an error."""
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OpenAPIError(f"{key!r} must be a mapping", file=file, pointer=f"{pointer}/{key}")
    return value


@dataclass(frozen=True)
class _Site:
    """Where one operation stands in the document: its id, method, path, object, shared parameters."""

    op_id: str
    method: str
    path: str
    op: dict[str, Any]
    shared: list[Any]
    pointer: str
    # The path item's `servers` (None: it names none), which its operations use unless they name theirs.
    servers: Any = None


def _import_operation(
    document: dict[str, Any], converter: SchemaConverter, site: _Site, findings: list[Finding]
) -> Operation:
    file = converter.file
    op_id, method, path, op, pointer = site.op_id, site.method, site.path, site.op, site.pointer
    params = _parameters(document, converter, site, findings)
    body = None
    if "requestBody" in op:
        raw_body = resolve_component(
            document, op["requestBody"], "requestBodies", file, f"{pointer}/requestBody"
        )
        content = _content(raw_body, file, f"{pointer}/requestBody")
        picked = json_content(content)
        if picked is not None:
            media_type, media = picked
            body = RequestBody(
                required=bool(raw_body.get("required", False)),
                schema=converter.convert(
                    media.get("schema", {}), f"{pointer}/requestBody/content/{escape(media_type)}/schema"
                ),
                content_type=media_type,
                media=other_media(
                    converter, raw_body.get("content"), media_type, f"{pointer}/requestBody/content"
                ),
                encoding=_encodings(content),
            )
    raw_responses = op.get("responses")
    if raw_responses is None:
        # OpenAPI 3.0 requires `responses`; 3.1 lets an operation leave them out.
        if "responses" in op:
            message = "'responses' is null: the operation documents no response"
            findings.append(Finding(FindingKind.NO_RESPONSES, message, op_id, file, f"{pointer}/responses"))
        elif str(document.get("openapi", "")).startswith("3.0"):
            message = "no 'responses' (OpenAPI 3.0 requires them): the operation documents no response"
            findings.append(Finding(FindingKind.NO_RESPONSES, message, op_id, file, pointer))
        raw_responses = {}
    responses: dict[str, ResponseSpec] = {}
    for status, raw_response in raw_responses.items():
        where = f"{pointer}/responses/{escape(str(status))}"
        response = resolve_component(document, raw_response, "responses", file, where)
        picked = json_content(_content(response, file, where))
        schema, primary = None, None
        if picked is not None and "schema" in picked[1]:
            at = f"{where}/content/{escape(str(picked[0]))}/schema"
            schema, primary = converter.convert(picked[1]["schema"], at), picked[0]
        description = str(response.get("description", "")).strip()
        links = _links(document, response.get("links"), file, f"{where}/links")
        responses[str(status)] = ResponseSpec(
            str(status),
            description,
            schema,
            links,
            headers=response_headers(document, converter, response.get("headers"), f"{where}/headers"),
            # JSON stays implicit, so contracts that only ever had JSON are written as before.
            content_type=primary if primary not in (None, "application/json") else None,
            media=other_media(converter, response.get("content"), primary, f"{where}/content"),
        )
    return Operation(
        id=op_id,
        method=method.upper(),
        path=path,
        summary=str(op.get("summary", "")).strip(),
        parameters=tuple(params.values()),
        request_body=body,
        responses=responses,
        lifecycle=lifecycle_of(op),
        security=security_of(document, op),
        # Tags that are not strings are ignored: they name nothing a `--tag` could select.
        tags=_tags(op.get("tags")),
        servers=servers_from_openapi(op.get("servers") or site.servers),
    )


def _encodings(content: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """Each media type's `encoding` (multipart and form bodies), where it has one."""
    out = {}
    for media_type, media in (content if isinstance(content, dict) else {}).items():
        encoding = encoding_from_openapi(media.get("encoding")) if isinstance(media, dict) else {}
        if encoding:
            out[str(media_type)] = encoding
    return out


def _webhooks(
    document: dict[str, Any],
    converter: SchemaConverter,
    findings: list[Finding],
    select: Callable[[str, str, str], bool] | None,
) -> dict[str, Operation]:
    """OpenAPI 3.1 `webhooks`: requests the API sends, imported like operations (path = their name)."""
    raw = document.get("webhooks")
    out: dict[str, Operation] = {}
    if not isinstance(raw, dict):
        return out
    for name, item in raw.items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                pointer = f"/webhooks/{escape(str(name))}/{method}"
                op_id = operation_id_for(method, str(name), op)
                if select is not None and not select(op_id, method.upper(), str(name)):
                    continue  # a selection of operations names what it wants; webhooks too
                site = _Site(op_id=op_id, method=method, path=str(name), op=op, shared=[], pointer=pointer)
                out[op_id] = _import_operation(document, converter, site, findings)
    return out


def _callbacks(
    document: dict[str, Any], converter: SchemaConverter, site: _Site, findings: list[Finding]
) -> dict[str, Operation]:
    """An operation's callbacks (`callbacks/<name>/<expression>/<method>`), each imported like a webhook
    named `<operationId> callback <name> <expression>`."""
    raw = site.op.get("callbacks")
    out: dict[str, Operation] = {}
    if not isinstance(raw, dict):
        return out
    for name, node in raw.items():
        where = f"{site.pointer}/callbacks/{escape(str(name))}"
        callback = resolve_component(document, node, "callbacks", converter.file, where)
        if not isinstance(callback, dict):
            continue
        expressions = [
            e for e, item in callback.items() if isinstance(item, dict) and not str(e).startswith("x-")
        ]
        for expression in expressions:
            item = callback[expression]
            for method in METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                path = f"{site.op_id} callback {name} {expression}"
                # The expression is in the id only where one callback has several: ids stay as they were.
                within = f".{expression}" if len(expressions) > 1 else ""
                op_id = f"{site.op_id}.{name}{within}.{method}"
                pointer = f"{where}/{escape(str(expression))}/{method}"
                inner = _Site(op_id=op_id, method=method, path=path, op=op, shared=[], pointer=pointer)
                try:
                    out[op_id] = _import_operation(document, converter, inner, findings)
                except OpenAPIError as exc:
                    # Callbacks were long left out whole: a broken one must not cost the operation.
                    message = f"callback {name} {expression} left out: {exc.message}"
                    where = exc.pointer or pointer
                    findings.append(
                        Finding(FindingKind.CALLBACK_SKIPPED, message, site.op_id, converter.file, where)
                    )
    return out


def _parameters(
    document: dict[str, Any], converter: SchemaConverter, site: _Site, findings: list[Finding]
) -> dict[tuple[str, str], Parameter]:
    file = converter.file
    op_id, method, path, op, shared, pointer = (
        site.op_id,
        site.method,
        site.path,
        site.op,
        site.shared,
        site.pointer,
    )
    params: dict[tuple[str, str], Parameter] = {}
    where_of: dict[tuple[str, str], str] = {}
    item_pointer = pointer.rsplit("/", 1)[0]
    located = [(f"{item_pointer}/parameters/{i}", raw) for i, raw in enumerate(shared)]
    located += [(f"{pointer}/parameters/{i}", raw) for i, raw in enumerate(op.get("parameters") or [])]
    for where, raw in located:
        # Path-level parameters come first; an operation's own of the same name and place wins.
        p = resolve_component(document, raw, "parameters", file, where)
        if not isinstance(p, dict) or "name" not in p or "in" not in p:
            raise OpenAPIError("parameter without 'name' and 'in'", file=file, pointer=where)
        schema = converter.convert(*_parameter_schema(p, where))
        params[(p["in"], p["name"])] = Parameter(
            name=p["name"],
            location=p["in"],
            required=bool(p.get("required", p["in"] == "path")),
            schema=schema,
            description=str(p.get("description", "")).strip(),
            lifecycle=lifecycle_of(p),
            style=p["style"] if isinstance(p.get("style"), str) else "",
            explode=p["explode"] if isinstance(p.get("explode"), bool) else None,
            allow_empty=p.get("allowEmptyValue") is True,
            allow_reserved=p.get("allowReserved") is True,
        )
        where_of[(p["in"], p["name"])] = where
    # Anywhere in a segment: `/files/{name}.json`, `/compare/{base}...{head}` (GitHub's).
    template = _TEMPLATE.findall(path)
    for key in [k for k in params if k[0] == "path" and k[1] not in template]:
        # It could never be sent; keeping it would make every client of the contract look for it.
        message = f"path parameter {key[1]!r} is not in the template {path}; left out"
        findings.append(Finding(FindingKind.PATH_PARAM_NOT_IN_TEMPLATE, message, op_id, file, where_of[key]))
        del params[key]
    for name in template:
        if name.startswith("$"):
            continue  # a callback URL's runtime expression (`{$request.body#/url}`), filled in by the API
        if ("path", name) not in params:
            # Real specs do this; the operation is still usable, so import it and report the defect.
            message = f"path parameter {{{name}}} of {method.upper()} {path} is not declared"
            findings.append(Finding(FindingKind.PATH_PARAM_UNDECLARED, message, op_id, file, pointer))
            params[("path", name)] = Parameter(name, "path", True, {"type": "string"})
    return params


def _parameter_schema(parameter: dict[str, Any], where: str) -> tuple[Any, str]:
    """A parameter's schema and where it is: `schema`, else that of its one `content` media type (a
    JSON-encoded query parameter, say)."""
    if "schema" in parameter or not isinstance(parameter.get("content"), dict):
        return parameter.get("schema", {}), f"{where}/schema"
    for media_type, media in parameter["content"].items():
        if isinstance(media, dict) and "schema" in media:
            return media["schema"], f"{where}/content/{escape(str(media_type))}/schema"
    return {}, f"{where}/schema"


def _links(document: dict[str, Any], raw: Any, file: str | None, pointer: str) -> dict[str, Any]:
    """A response's OpenAPI links, `$ref`s into components/links resolved, as the contract keeps them."""
    if not isinstance(raw, dict):
        return {}
    links: dict[str, Any] = {}
    for name, node in raw.items():
        link = resolve_component(document, node, "links", file, f"{pointer}/{escape(str(name))}")
        if isinstance(link, dict) and ("operationId" in link or "operationRef" in link):
            links[str(name)] = {k: link[k] for k in _LINK_KEYS if k in link}
    return links


def _tags(raw: Any) -> tuple[str, ...]:
    """An operation's OpenAPI `tags`, in order, once each; what is not a string names nothing a `--tag`
    could select and is left out."""
    return tuple(dict.fromkeys(t for t in raw if isinstance(t, str))) if isinstance(raw, list) else ()
