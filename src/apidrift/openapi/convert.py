"""Import an OpenAPI 3.0/3.1 document into a contract version (JSON Schema draft 2020-12)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from apidrift.contracts.model import (
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
# Keys that only document or only matter to code generators; they never change what validates.
_DROPPED_KEYS = {"discriminator", "xml", "externalDocs", "nullable", "example"}


def load_document(path: Path) -> dict[str, Any]:
    """Parse an OpenAPI file (YAML or JSON) and check that it is OpenAPI 3.x."""
    # Imported here: a diff served from the cache never parses YAML, so it need not load PyYAML.
    import yaml

    import apidrift.openapi.fastyaml as fastyaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OpenAPIError(f"cannot read: {exc.strerror}", file=path) from None
    except UnicodeDecodeError as exc:
        raise OpenAPIError(f"neither YAML nor JSON: not UTF-8 text (byte {exc.start})", file=path) from None
    try:
        document = fastyaml.load(text)
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
            head = name.split("/")[0]
            if "/" in name and head in self.components:
                # A pointer into a schema (`.../Owner/properties/id`): valid JSON Pointer, not a type.
                message = f"unsupported $ref {ref!r}: it points inside schema {head!r}"
                raise OpenAPIError(message, file=self.file, pointer=pointer)
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
                if not isinstance(value, dict):
                    raise OpenAPIError(
                        f"{key!r} must be a mapping", file=self.file, pointer=f"{pointer}/{key}"
                    )
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
        if isinstance(kind, list) and "$ref" not in out:
            out["type"] = kind if "null" in kind else [*kind, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            return out
        return {"anyOf": [out, {"type": "null"}]}


@dataclass(frozen=True)
class ImportedExample:
    """A response example documented inside the spec for one operation and status."""

    operation_id: str
    status: str
    body: Any
    source: str
    # Which example of the operation this is (`x-oaiMeta`, `example`, `examples/<name>`).
    label: str = "x-oaiMeta"


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


def resolve_component(
    document: dict[str, Any], node: Any, section: str, file: str | None, pointer: str
) -> Any:
    """Follow a `$ref` into components/<section> (parameters, requestBodies, responses, examples)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        prefix = f"#/components/{section}/"
        components = document.get("components")
        targets = components.get(section) if isinstance(components, dict) else None
        target = (
            targets.get(ref[len(prefix) :]) if isinstance(targets, dict) and isinstance(ref, str) else None
        )
        if not isinstance(ref, str) or not ref.startswith(prefix) or target is None:
            raise OpenAPIError(f"dangling $ref {ref!r}", file=file, pointer=pointer)
        node, seen = target, seen + 1
        if seen > 32:
            raise OpenAPIError(f"$ref cycle at {ref!r}", file=file, pointer=pointer)
    return node


def json_content(content: Any) -> tuple[str, Any] | None:
    """The JSON media type of a `content` map (application/json first) and its media object."""
    if not isinstance(content, dict) or not content:
        return None
    for media_type in ("application/json", *content):
        if media_type in content and isinstance(content[media_type], dict):
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
    from apidrift.openapi.examples import operation_examples

    components = _mapping(_mapping(document, "components", file, ""), "schemas", file, "/components")
    converter = SchemaConverter(components, rename=rename, file=file)
    operations: dict[str, Operation] = {}
    examples: list[ImportedExample] = []
    problems: list[str] = []
    prefixes = tuple(scope)
    for path, item in document["paths"].items():
        if not isinstance(path, str) or not path.startswith(prefixes) or not isinstance(item, dict):
            continue
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            op_id = operation_id_for(method, path, op)
            if select is not None and not select(op_id, method.upper(), path):
                continue
            pointer = f"/paths/{path.replace('~', '~0').replace('/', '~1')}/{method}"
            if op_id in operations:
                other = operations[op_id].key
                message = f"duplicate operationId {op_id!r} (also {other})"
                raise OpenAPIError(message, file=file, pointer=f"{pointer}/operationId")
            try:
                operation = _import_operation(
                    document, converter, op_id, method, path, op, shared, pointer, file, problems
                )
            except (AttributeError, TypeError, KeyError) as exc:
                # A list where a mapping belongs, say: one clear error instead of a traceback.
                message = f"malformed operation ({type(exc).__name__}: {exc})"
                raise OpenAPIError(message, file=file, pointer=pointer) from None
            operations[op_id] = replace(operation, sources=(f"{source} {op_id}",))
            examples += operation_examples(document, operation, op, pointer, source, file, problems)
    schemas = _reachable_schemas(operations, components, rename, file)
    contract = ContractVersion(
        api=api,
        version=version,
        date=None,
        description=str(_mapping(document, "info", file, "").get("title", "")),
        sources=(source,),
        operations=operations,
        schemas=schemas,
    )
    return ImportResult(contract, examples, problems)


def _mapping(parent: dict[str, Any], key: str, file: str | None, pointer: str) -> dict[str, Any]:
    """`parent[key]` when it is a mapping, {} when absent or null; anything else is an error."""
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OpenAPIError(f"{key!r} must be a mapping", file=file, pointer=f"{pointer}/{key}")
    return value


def _import_operation(
    document: dict[str, Any],
    converter: SchemaConverter,
    op_id: str,
    method: str,
    path: str,
    op: dict[str, Any],
    shared: list[Any],
    pointer: str,
    file: str | None,
    problems: list[str],
) -> Operation:
    params: dict[tuple[str, str], Parameter] = {}
    item_pointer = pointer.rsplit("/", 1)[0]
    located = [(f"{item_pointer}/parameters/{i}", raw) for i, raw in enumerate(shared)]
    located += [(f"{pointer}/parameters/{i}", raw) for i, raw in enumerate(op.get("parameters", []))]
    for where, raw in located:
        # Path-level parameters come first; an operation's own of the same name and place wins.
        p = resolve_component(document, raw, "parameters", file, where)
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
        raw_body = resolve_component(
            document, op["requestBody"], "requestBodies", file, f"{pointer}/requestBody"
        )
        picked = json_content(raw_body.get("content"))
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
        response = resolve_component(document, raw_response, "responses", file, where)
        picked = json_content(response.get("content"))
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
    )


def _reachable_schemas(
    operations: dict[str, Operation],
    components: dict[str, Any],
    rename: Callable[[str], str],
    file: str | None,
) -> dict[str, JSONSchema]:
    """The component schemas the operations reach, directly or through other schemas, converted.

    Reachability follows the converted schemas, so a `$ref` inside an extension or a dropped keyword
    (`discriminator.mapping`, `x-...`) neither pulls a schema in nor fails the import.
    """
    from apidrift.contracts.model import iter_refs

    local = SchemaConverter(components, rename=rename, prefix="#/$defs/", file=file)
    inverse = {rename(name): name for name in components}
    pending: list[str] = []
    for op in operations.values():
        nodes: list[Any] = [p.schema for p in op.parameters]
        nodes += [op.request_body.schema] if op.request_body else []
        nodes += [r.schema for r in op.responses.values() if r.schema is not None]
        for node in nodes:
            pending += [inverse[ref[len(DEFS_PREFIX) :]] for _, ref in iter_refs(node)]
    converted: dict[str, JSONSchema] = {}
    while pending:
        name = pending.pop()
        if rename(name) in converted:
            continue
        _check_alias_cycle(name, components, local, file)
        schema = local.convert(components[name], f"/components/schemas/{name}")
        converted[rename(name)] = schema
        pending += [inverse[ref[len("#/$defs/") :]] for _, ref in iter_refs(schema)]
    return dict(sorted(converted.items()))


def _check_alias_cycle(
    name: str, components: dict[str, Any], converter: SchemaConverter, file: str | None
) -> None:
    """`A: {$ref: B}`, `B: {$ref: A}` defines nothing; validators would recurse forever on it."""
    chain = [name]
    node = components[name]
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        target = converter.ref_name(node["$ref"], f"/components/schemas/{chain[-1]}")
        if target in chain:
            loop = " -> ".join([*chain[chain.index(target) :], target])
            raise OpenAPIError(f"$ref cycle {loop}", file=file, pointer=f"/components/schemas/{name}")
        chain.append(target)
        node = components[target]
