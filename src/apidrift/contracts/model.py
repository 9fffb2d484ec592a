"""Contract versions: documented operations and their JSON Schemas (draft 2020-12), loaded from disk."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from apidrift.contracts.safeload import read_json
from apidrift.contracts.soundness import SchemaNote, check_cycles, check_schema
from apidrift.errors import ContractError, UnknownOperationError, UnknownVersionError
from apidrift.files import atomic_write
from apidrift.profiles.bundled import DEFAULT_API

if TYPE_CHECKING:
    from referencing import Registry

JSONSchema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_FILE = "schemas.json"
CONTRACT_FILE = "contract.json"
DEFS_PREFIX = f"{SCHEMAS_FILE}#/$defs/"


def base_uri(api: str, version: str) -> str:
    """The URI every schema of one contract version is resolved against (never fetched)."""
    # Quoted whole: an API name or label with `/`, `..` or `#` must not move the base URI.
    return f"https://contracts.apidrift.invalid/{quote(api, safe='')}/{quote(version, safe='')}/"


@dataclass(frozen=True)
class Parameter:
    """A path, query or header parameter of an operation."""

    name: str
    location: str
    required: bool
    schema: JSONSchema
    description: str = ""


@dataclass(frozen=True)
class RequestBody:
    """The documented JSON body an operation accepts."""

    required: bool
    schema: JSONSchema
    content_type: str = "application/json"


@dataclass(frozen=True)
class ResponseSpec:
    """The documented response of one status; `schema` is None when no body is documented."""

    status: str
    description: str
    schema: JSONSchema | None
    # OpenAPI `links`: name -> {"operationId": ..., "parameters": {param: "$response.body#/id"}}.
    links: Mapping[str, Any] = field(default_factory=dict)


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

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_params(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")


@dataclass(frozen=True)
class ContractVersion:
    """All operations and named schemas of one documented version of an API (change with `replace`)."""

    api: str
    version: str
    date: str | None
    description: str
    sources: tuple[str, ...]
    operations: dict[str, Operation]
    schemas: dict[str, JSONSchema]
    folder: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Documentation findings from loading (unknown keywords); unsound schemas are refused instead.
    notes: tuple[SchemaNote, ...] = ()

    @property
    def base(self) -> str:
        return base_uri(self.api, self.version)

    @cached_property
    def registry(self) -> Registry[Any]:
        """A registry holding this version's named schemas, so `schemas.json#/$defs/X` resolves."""
        # Imported here: a diff or a CLI start never needs it, and it is ~40 ms to import.
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        document = schemas_document(self.api, self.version, self.schemas)
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        registry: Registry[Any] = Registry().with_resource(self.base + SCHEMAS_FILE, resource)
        return registry

    def operation(self, op_id: str) -> Operation:
        try:
            return self.operations[op_id]
        except KeyError:
            raise UnknownOperationError(f"version {self.version} documents no operation {op_id!r}") from None

    def response_schema(self, op_id: str, status: str | int) -> JSONSchema:
        """The schema of a response body, rooted so that its references resolve in `registry`."""
        operation = self.operation(op_id)
        spec = operation.responses.get(str(status))
        if spec is None:
            documented = ", ".join(sorted(operation.responses)) or "none"
            raise UnknownOperationError(
                f"{op_id} in {self.version} documents no status {status} (documented: {documented})"
            )
        if spec.schema is None:
            return {"$schema": DRAFT, "$id": self._schema_id(op_id, str(status))}
        return rooted(spec.schema, self._schema_id(op_id, str(status)))

    def request_schema(self, op_id: str) -> JSONSchema | None:
        body = self.operation(op_id).request_body
        if body is None:
            return None
        return rooted(body.schema, self._schema_id(op_id, "request"))

    def _schema_id(self, op_id: str, part: str) -> str:
        # Quoted whole: an operationId like `a/../b` must never shape the URI (or what resolves).
        return f"{self.base}op-{quote(op_id, safe='')}-{part}.json"

    def to_files(self) -> dict[str, Any]:
        """The JSON documents this version is stored as, keyed by file name."""
        return {
            CONTRACT_FILE: {
                "api": self.api,
                "version": self.version,
                "date": self.date,
                "description": self.description,
                "sources": list(self.sources),
                **self.extra,
                "operations": [_operation_to_json(op) for op in self.operations.values()],
            },
            SCHEMAS_FILE: schemas_document(self.api, self.version, self.schemas),
        }

    def write(self, folder: Path) -> None:
        """Write the version's files, each replaced whole (a concurrent reader never sees half of one)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, document in self.to_files().items():
            atomic_write(folder / name, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def rooted(schema: JSONSchema, schema_id: str) -> JSONSchema:
    return {"$schema": DRAFT, "$id": schema_id, **schema}


def schemas_document(api: str, version: str, schemas: Mapping[str, JSONSchema]) -> JSONSchema:
    return {
        "$schema": DRAFT,
        "$id": base_uri(api, version) + SCHEMAS_FILE,
        "$defs": dict(sorted(schemas.items())),
    }


def _operation_to_json(op: Operation) -> dict[str, Any]:
    return {
        "id": op.id,
        "method": op.method,
        "path": op.path,
        "summary": op.summary,
        "sources": list(op.sources),
        "parameters": [
            {
                "name": p.name,
                "in": p.location,
                "required": p.required,
                **({"description": p.description} if p.description else {}),
                "schema": p.schema,
            }
            for p in op.parameters
        ],
        "request_body": None
        if op.request_body is None
        else {
            "required": op.request_body.required,
            "content_type": op.request_body.content_type,
            "schema": op.request_body.schema,
        },
        "responses": {
            status: {
                "description": spec.description,
                "schema": spec.schema,
                **({"links": dict(spec.links)} if spec.links else {}),
            }
            for status, spec in sorted(op.responses.items())
        },
    }


# --- loading -------------------------------------------------------------------------------


def _read_json(path: Path) -> Any:
    return read_json(path, error=ContractError)


def _require(obj: Any, key: str, kind: type | tuple[type, ...], file: Path, pointer: str) -> Any:
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


def _parse_operation(raw: Any, file: Path, pointer: str) -> Operation:
    op_id = _require(raw, "id", str, file, pointer)
    parameters = []
    for i, p in enumerate(raw.get("parameters", [])):
        where = f"{pointer}/parameters/{i}"
        parameters.append(
            Parameter(
                name=_require(p, "name", str, file, where),
                location=_require(p, "in", str, file, where),
                required=bool(p.get("required", False)),
                schema=_require(p, "schema", dict, file, where),
                description=p.get("description", ""),
            )
        )
    body_raw = raw.get("request_body")
    body = None
    if body_raw is not None:
        where = f"{pointer}/request_body"
        body = RequestBody(
            required=bool(body_raw.get("required", False)),
            schema=_require(body_raw, "schema", dict, file, where),
            content_type=body_raw.get("content_type", "application/json"),
        )
    responses_raw = _require(raw, "responses", dict, file, pointer)
    responses = {}
    for status, spec in responses_raw.items():
        where = f"{pointer}/responses/{status}"
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if schema is not None and not isinstance(schema, dict):
            raise ContractError("'schema' must be an object or null", file=file, pointer=where)
        links = spec.get("links", {}) if isinstance(spec, dict) else {}
        if not isinstance(links, dict):
            raise ContractError("'links' must be an object", file=file, pointer=f"{where}/links")
        responses[str(status)] = ResponseSpec(str(status), spec.get("description", ""), schema, links)
    return Operation(
        id=op_id,
        method=_require(raw, "method", str, file, pointer).upper(),
        path=_require(raw, "path", str, file, pointer),
        summary=raw.get("summary", ""),
        parameters=tuple(parameters),
        request_body=body,
        responses=responses,
        sources=tuple(raw.get("sources", [])),
    )


def iter_refs(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every `$ref` value below `node`, with the JSON pointer of the object holding it."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield pointer, ref
        for key, value in node.items():
            yield from iter_refs(value, f"{pointer}/{_escape(key)}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_refs(value, f"{pointer}/{i}")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _check_refs(node: Any, names: set[str], local: bool, file: Path, pointer: str) -> None:
    prefix = "#/$defs/" if local else DEFS_PREFIX
    for where, ref in iter_refs(node, pointer):
        if not ref.startswith(prefix):
            raise ContractError(f"$ref {ref!r} must point into {prefix}", file=file, pointer=f"{where}/$ref")
        if ref[len(prefix) :].split("/")[0] not in names:
            raise ContractError(f"dangling $ref {ref!r}", file=file, pointer=f"{where}/$ref")


def load_version(folder: Path) -> ContractVersion:
    """Load one contract version folder, checking that every reference resolves."""
    contract_path = folder / CONTRACT_FILE
    raw = _read_json(contract_path)
    schemas_raw = _read_json(folder / SCHEMAS_FILE)
    return parse_version(raw, schemas_raw, folder)


def parse_version(raw: Any, schemas_raw: Any, folder: Path) -> ContractVersion:
    """Build a version from the parsed `contract.json` and `schemas.json` of `folder`."""
    contract_path, schemas_path = folder / CONTRACT_FILE, folder / SCHEMAS_FILE
    if not isinstance(raw, dict):
        raise ContractError("top level must be an object", file=contract_path)
    defs = _require(schemas_raw, "$defs", dict, schemas_path, "")
    names = set(defs)
    _check_refs(defs, names, True, schemas_path, "/$defs")
    notes = [
        n
        for name, d in defs.items()
        for n in check_schema(d, file=schemas_path, pointer=f"/$defs/{_escape(name)}")
    ]
    check_cycles(defs, file=schemas_path, prefixes=("#/$defs/",))
    operations: dict[str, Operation] = {}
    for i, op_raw in enumerate(_require(raw, "operations", list, contract_path, "")):
        pointer = f"/operations/{i}"
        _check_refs(op_raw, names, False, contract_path, pointer)
        op = _parse_operation(op_raw, contract_path, pointer)
        notes.extend(_check_operation_schemas(op_raw, contract_path, pointer))
        if op.id in operations:
            raise ContractError(f"duplicate operation id {op.id!r}", file=contract_path, pointer=pointer)
        operations[op.id] = op
    known = {"api", "version", "date", "description", "sources", "operations"}
    return ContractVersion(
        api=_require(raw, "api", str, contract_path, ""),
        version=_require(raw, "version", str, contract_path, ""),
        date=raw.get("date"),
        description=raw.get("description", ""),
        sources=tuple(raw.get("sources", [])),
        operations=operations,
        schemas=defs,
        folder=folder if folder.is_dir() else None,
        extra={k: v for k, v in raw.items() if k not in known},
        notes=tuple(notes),
    )


def _check_operation_schemas(raw: dict[str, Any], file: Path, pointer: str) -> list[SchemaNote]:
    """Soundness of every schema an operation holds inline: parameters, request body, responses."""
    places: list[tuple[str, Any]] = [
        (f"{pointer}/parameters/{i}/schema", p.get("schema")) for i, p in enumerate(raw.get("parameters", []))
    ]
    body = raw.get("request_body")
    if isinstance(body, dict):
        places.append((f"{pointer}/request_body/schema", body.get("schema")))
    for status, spec in raw.get("responses", {}).items():
        if isinstance(spec, dict):
            places.append((f"{pointer}/responses/{_escape(str(status))}/schema", spec.get("schema")))
    notes: list[SchemaNote] = []
    for where, schema in places:
        if isinstance(schema, dict):
            notes.extend(check_schema(schema, file=file, pointer=where))
    return notes


def bundled_root() -> Path:
    """The contracts folder shipped with apidrift (the repository's, in a source checkout)."""
    packaged = Path(str(resources.files("apidrift"))) / "_bundled" / "contracts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "contracts"


@dataclass(frozen=True)
class VersionSummary:
    """One line of the contract index."""

    api: str
    version: str
    date: str | None
    sources: tuple[str, ...]
    operations: int
    schemas: int
    folder: str


class ContractStore:
    """The contract versions of one API found below a contracts root (`<root>/<api>/<version>/`)."""

    def __init__(self, root: Path | None = None, api: str = DEFAULT_API) -> None:
        self.root = root or bundled_root()
        self.api = api
        self._cache: dict[str, ContractVersion] = {}

    def labels(self) -> list[str]:
        folder = self.root / self.api
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / CONTRACT_FILE).is_file())

    def require_labels(self) -> list[str]:
        """The version labels, or an error naming the APIs that do have contracts below the root."""
        labels = self.labels()
        if labels:
            return labels
        apis = sorted(p.name for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []
        raise UnknownVersionError(
            f"no contract versions for API {self.api!r} (APIs with contracts: {', '.join(apis) or 'none'})",
            file=self.root,
        )

    def load(self, label: str) -> ContractVersion:
        if label not in self._cache:
            folder = self.root / self.api / label
            if not (folder / CONTRACT_FILE).is_file():
                known = ", ".join(self.labels()) or "none"
                raise UnknownVersionError(
                    f"no contract version {label!r} for {self.api} (known: {known})",
                    file=self.root / self.api,
                )
            self._cache[label] = load_version(folder)
        return self._cache[label]

    def load_all(self) -> list[ContractVersion]:
        return [self.load(label) for label in self.labels()]

    def newest(self) -> str:
        labels = self.labels()
        if not labels:
            raise UnknownVersionError(f"no contract versions below {self.root / self.api}")
        return labels[-1]

    def summaries(self) -> list[VersionSummary]:
        return [summarize(v, self.root) for v in self.load_all()]


def summarize(version: ContractVersion, root: Path) -> VersionSummary:
    folder = version.folder
    rel = str(folder.relative_to(root.parent)) if folder and folder.is_relative_to(root.parent) else ""
    return VersionSummary(
        api=version.api,
        version=version.version,
        date=version.date,
        sources=version.sources,
        operations=len(version.operations),
        schemas=len(version.schemas),
        folder=rel,
    )
