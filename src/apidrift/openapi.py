"""Import an OpenAPI 3.0/3.1 document into a contract version (JSON Schema draft 2020-12)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from apidrift.contracts import (
    DEFS_PREFIX,
    ContractVersion,
    JSONSchema,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
)
from apidrift.errors import OpenAPIError

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
DEFAULT_SCOPE = ("/organization", "/projects")
COMPONENT_PREFIX = "#/components/schemas/"
# Keys that only document or only matter to code generators; they never change what validates.
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_NESTED_SCHEMA_KEYS = {
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "allOf",
    "anyOf",
    "oneOf",
    "prefixItems",
}
_DROPPED_KEYS = {"discriminator", "xml", "externalDocs", "nullable", "example"}


def _loader() -> type[yaml.SafeLoader]:
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def load_document(path: Path) -> dict[str, Any]:
    """Parse an OpenAPI file (YAML or JSON) and check that it is OpenAPI 3.x."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OpenAPIError(f"cannot read: {exc.strerror}", file=path) from None
    try:
        document = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise OpenAPIError(f"neither YAML nor JSON{where}", file=path) from None
    if not isinstance(document, dict):
        raise OpenAPIError("not an OpenAPI document: the top level is not a mapping", file=path)
    if "swagger" in document:
        raise OpenAPIError(
            f"Swagger {document['swagger']} is not supported; convert it to OpenAPI 3 first", file=path
        )
    version = str(document.get("openapi", ""))
    if not version.startswith("3."):
        raise OpenAPIError("not an OpenAPI 3.x document: no 'openapi: 3.x' field", file=path)
    if not isinstance(document.get("paths"), dict):
        raise OpenAPIError("no 'paths' mapping", file=path, pointer="/paths")
    return document


@dataclass
class SchemaConverter:
    """Turns OpenAPI schema objects into draft 2020-12, renaming component references on the way."""

    components: dict[str, Any]
    rename: Callable[[str], str] = lambda name: name
    prefix: str = DEFS_PREFIX
    file: str | None = None

    def ref_name(self, ref: str, pointer: str) -> str:
        if not ref.startswith(COMPONENT_PREFIX):
            raise OpenAPIError(f"unsupported $ref {ref!r}", file=self.file, pointer=pointer)
        name = ref[len(COMPONENT_PREFIX) :]
        if name not in self.components:
            raise OpenAPIError(f"dangling $ref {ref!r}", file=self.file, pointer=pointer)
        return name

    def convert(self, node: Any, pointer: str = "") -> Any:
        if isinstance(node, list):
            return [self.convert(item, f"{pointer}/{i}") for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            name = self.ref_name(node["$ref"], pointer)
            out: JSONSchema = {"$ref": self.prefix + self.rename(name)}
            return self._nullable(node, out)
        out = {}
        for key, value in node.items():
            if key in _DROPPED_KEYS or key.startswith("x-"):
                continue
            if key in ("properties", "patternProperties", "$defs", "definitions"):
                out[key] = {k: self.convert(v, f"{pointer}/{key}/{k}") for k, v in value.items()}
            elif key in _NESTED_SCHEMA_KEYS:
                out[key] = self.convert(value, f"{pointer}/{key}")
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in node:
                    out[key] = node[bound]
            elif key in ("minimum", "maximum") and node.get("exclusive" + key.title()) is True:
                continue
            else:
                out[key] = value
        if "example" in node and "examples" not in node:
            out["examples"] = [node["example"]]
        enum = out.get("enum")
        if node.get("x-stainless-const") and isinstance(enum, list) and len(enum) == 1:
            out.pop("enum")
            out["const"] = enum[0]
        return self._nullable(node, out)

    @staticmethod
    def _nullable(node: dict[str, Any], out: JSONSchema) -> JSONSchema:
        """OpenAPI 3.0 `nullable: true` becomes the 3.1 spelling: `null` admitted explicitly."""
        if node.get("nullable") is not True:
            return out
        kind = out.get("type")
        if "const" in out:
            out["enum"] = [out.pop("const"), None]
        if isinstance(kind, str) and "$ref" not in out:
            out["type"] = [kind, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            return out
        if isinstance(kind, list) and "null" not in kind:
            out["type"] = [*kind, "null"]
            return out
        return {"anyOf": [out, {"type": "null"}]}


@dataclass(frozen=True)
class ImportedExample:
    """A response example documented inside the spec for one operation and status."""

    operation_id: str
    status: str
    body: Any
    source: str


@dataclass
class ImportResult:
    """A contract version imported from a spec, with the spec's own documented examples."""

    version: ContractVersion
    examples: list[ImportedExample]
    problems: list[str]


def operation_id_for(method: str, path: str, op: dict[str, Any]) -> str:
    explicit = op.get("operationId")
    if isinstance(explicit, str) and explicit:
        return explicit
    slug = path.strip("/").replace("/", "-").replace("{", "").replace("}", "")
    return f"{method.lower()}-{slug}"


def _resolve(document: dict[str, Any], node: Any, section: str, file: str | None, pointer: str) -> Any:
    """Follow a `$ref` into components/<section> (parameters, requestBodies, responses)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        prefix = f"#/components/{section}/"
        target = document.get("components", {}).get(section, {}).get(ref[len(prefix) :])
        if not ref.startswith(prefix) or target is None:
            raise OpenAPIError(f"dangling $ref {ref!r}", file=file, pointer=pointer)
        node, seen = target, seen + 1
        if seen > 32:
            raise OpenAPIError(f"$ref cycle at {ref!r}", file=file, pointer=pointer)
    return node


def _json_content(content: Any) -> tuple[str, Any] | None:
    if not isinstance(content, dict) or not content:
        return None
    for media_type in ("application/json", *content):
        if media_type in content:
            return media_type, content[media_type]
    return None


def import_document(
    document: dict[str, Any],
    *,
    api: str,
    version: str,
    scope: Iterable[str] = DEFAULT_SCOPE,
    select: Callable[[str, str, str], bool] | None = None,
    rename: Callable[[str], str] = lambda name: name,
    source: str = "openapi",
    file: str | None = None,
) -> ImportResult:
    """Convert the operations under `scope` (and every schema they reach) into a contract version."""
    components = document.get("components", {}).get("schemas", {}) or {}
    converter = SchemaConverter(components, rename=rename, file=file)
    operations: dict[str, Operation] = {}
    examples: list[ImportedExample] = []
    problems: list[str] = []
    prefixes = tuple(scope)
    for path, item in document["paths"].items():
        if not path.startswith(prefixes) or not isinstance(item, dict):
            continue
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            op_id = operation_id_for(method, path, op)
            if select is not None and not select(op_id, method.upper(), path):
                continue
            pointer = f"/paths/{path.replace('/', '~1')}/{method}"
            operations[op_id] = _import_operation(
                document, converter, op_id, method, path, op, shared, pointer, source, file, problems
            )
            examples.extend(_examples(op_id, op, source, problems))
    reachable = _reachable(operations, components, converter)
    local = SchemaConverter(components, rename=rename, prefix="#/$defs/", file=file)
    schemas = {
        rename(name): local.convert(components[name], f"/components/schemas/{name}")
        for name in sorted(reachable)
    }
    contract = ContractVersion(
        api=api,
        version=version,
        date=None,
        description=str(document.get("info", {}).get("title", "")),
        sources=(source,),
        operations=operations,
        schemas=schemas,
    )
    return ImportResult(contract, examples, problems)


def _import_operation(
    document: dict[str, Any],
    converter: SchemaConverter,
    op_id: str,
    method: str,
    path: str,
    op: dict[str, Any],
    shared: list[Any],
    pointer: str,
    source: str,
    file: str | None,
    problems: list[str],
) -> Operation:
    params: dict[tuple[str, str], Parameter] = {}
    for i, raw in enumerate([*shared, *op.get("parameters", [])]):
        where = f"{pointer}/parameters/{i}"
        p = _resolve(document, raw, "parameters", file, where)
        if not isinstance(p, dict) or "name" not in p or "in" not in p:
            raise OpenAPIError("parameter without 'name' and 'in'", file=file, pointer=where)
        schema = converter.convert(p.get("schema", {}), f"{where}/schema")
        params[(p["in"], p["name"])] = Parameter(
            name=p["name"],
            location=p["in"],
            required=bool(p.get("required", p["in"] == "path")),
            schema=schema,
            description=str(p.get("description", "")).strip(),
        )
    declared = {name for (loc, name) in params if loc == "path"}
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("}") and segment[1:-1] not in declared:
            # Real specs do this; the operation is still usable, so import it and report the defect.
            name = segment[1:-1]
            problems.append(f"{op_id}: path parameter {segment} of {method.upper()} {path} is not declared")
            params[("path", name)] = Parameter(name, "path", True, {"type": "string"})
    body = None
    if "requestBody" in op:
        raw_body = _resolve(document, op["requestBody"], "requestBodies", file, f"{pointer}/requestBody")
        picked = _json_content(raw_body.get("content"))
        if picked is not None:
            media_type, media = picked
            body = RequestBody(
                required=bool(raw_body.get("required", False)),
                schema=converter.convert(media.get("schema", {}), f"{pointer}/requestBody"),
                content_type=media_type,
            )
    responses: dict[str, ResponseSpec] = {}
    for status, raw_response in op.get("responses", {}).items():
        where = f"{pointer}/responses/{status}"
        response = _resolve(document, raw_response, "responses", file, where)
        picked = _json_content(response.get("content"))
        schema = None
        if picked is not None and "schema" in picked[1]:
            schema = converter.convert(picked[1]["schema"], f"{where}/content")
        description = str(response.get("description", "")).strip()
        responses[str(status)] = ResponseSpec(str(status), description, schema)
    return Operation(
        id=op_id,
        method=method.upper(),
        path=path,
        summary=str(op.get("summary", "")).strip(),
        parameters=tuple(params.values()),
        request_body=body,
        responses=responses,
        sources=(f"{source} {op_id}",),
    )


def _examples(op_id: str, op: dict[str, Any], source: str, problems: list[str]) -> list[ImportedExample]:
    """The example response bodies documented in `x-oaiMeta` (JSON text) for an operation."""
    meta = op.get("x-oaiMeta", {})
    raw_examples = meta.get("examples") if isinstance(meta, dict) else None
    candidates = raw_examples if isinstance(raw_examples, list) else [raw_examples]
    found = []
    for candidate in candidates:
        if not isinstance(candidate, dict) or "response" not in candidate:
            continue
        text = candidate["response"]
        if isinstance(text, str) and not text.strip():
            problems.append(f"{op_id}: documented example response is empty")
            continue
        try:
            body = json.loads(text) if isinstance(text, str) else text
        except json.JSONDecodeError as exc:
            # The docs sometimes carry JSON5-style trailing commas; salvage the example, report the defect.
            try:
                body = json.loads(_TRAILING_COMMA.sub(r"\1", text))
            except json.JSONDecodeError:
                problems.append(f"{op_id}: documented example response is not JSON ({exc.msg})")
                continue
            problems.append(f"{op_id}: documented example response has trailing commas (not strict JSON)")
        found.append(ImportedExample(op_id, "200", body, f"{source} x-oaiMeta {op_id}"))
    return found


def _reachable(
    operations: dict[str, Operation], components: dict[str, Any], converter: SchemaConverter
) -> set[str]:
    """Names of the component schemas the operations reach, directly or through other schemas."""
    from apidrift.contracts import iter_refs

    inverse = {converter.rename(name): name for name in components}
    pending: list[str] = []
    for op in operations.values():
        nodes: list[Any] = [p.schema for p in op.parameters]
        nodes += [op.request_body.schema] if op.request_body else []
        nodes += [r.schema for r in op.responses.values() if r.schema is not None]
        for node in nodes:
            pending += [inverse[ref[len(DEFS_PREFIX) :]] for _, ref in iter_refs(node)]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for where, ref in iter_refs(components[name]):
            pending.append(converter.ref_name(ref, f"/components/schemas/{name}{where}"))
    return seen
