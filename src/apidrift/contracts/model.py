"""Contract versions: documented operations and their JSON Schemas (draft 2020-12), loaded from disk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from apidrift.contracts.operations import (
    Header,
    JSONSchema,
    Lifecycle,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
    SecurityRequirement,
    operation_to_json,
    parse_operation,
    require,
)
from apidrift.contracts.refs import check_references
from apidrift.contracts.safeload import dump_json, escape, read_json
from apidrift.contracts.soundness import SchemaNote, check_schema
from apidrift.contracts.transport import Server, described, server_to_json, servers_from_json
from apidrift.errors import ContractError, UnknownOperationError, UnknownVersionError
from apidrift.files import atomic_write
from apidrift.profiles.bundled import DEFAULT_API

if TYPE_CHECKING:
    from referencing import Registry


# The operation-level types live in `operations`; they are imported from here as they always were.
__all__ = [
    "CONTRACT_FILE",
    "DEFS_PREFIX",
    "DRAFT",
    "SCHEMAS_FILE",
    "ContractStore",
    "ContractVersion",
    "Header",
    "JSONSchema",
    "Lifecycle",
    "Operation",
    "Parameter",
    "RequestBody",
    "ResponseSpec",
    "SecurityRequirement",
    "VersionSummary",
    "base_uri",
    "bundled_root",
    "iter_refs",
    "load_version",
    "parse_version",
    "rooted",
    "schemas_document",
    "summarize",
]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_FILE = "schemas.json"
CONTRACT_FILE = "contract.json"
DEFS_PREFIX = f"{SCHEMAS_FILE}#/$defs/"


def base_uri(api: str, version: str) -> str:
    """The URI every schema of one contract version is resolved against (never fetched)."""
    # Quoted whole: an API name or label with `/`, `..` or `#` must not move the base URI.
    return f"https://contracts.apidrift.invalid/{quote(api, safe='')}/{quote(version, safe='')}/"


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
    security_schemes: dict[str, Any] = field(default_factory=dict)
    # Requests the API sends to its clients (OpenAPI 3.1 `webhooks`), keyed like operations.
    webhooks: dict[str, Operation] = field(default_factory=dict)
    # The document's `servers` URLs, each server variable replaced by its default (OpenAPI `servers`);
    # empty when the document had none, or the contract predates them.
    servers: tuple[str, ...] = ()
    # The same servers as written, with their URL variables (`servers` holds each one resolved).
    server_specs: tuple[Server, ...] = ()

    def __post_init__(self) -> None:
        # Every version, loaded, imported or built in memory (the public API), is checked here once:
        # each walk then follows its references without a KeyError, a loop or a wrong verdict.
        check_references(
            self.schemas,
            operations=self.operations,
            webhooks=self.webhooks,
            folder=self.folder if self.folder is not None else Path(self.api) / self.version,
        )

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
        spec = operation.response_for(status)
        if spec is None:
            documented = ", ".join(sorted(operation.responses)) or "none"
            raise UnknownOperationError(
                f"{op_id} in {self.version} documents no status {status} (documented: {documented})"
            )
        if spec.schema is None:
            return {"$schema": DRAFT, "$id": self._schema_id(op_id, spec.status)}
        return rooted(spec.schema, self._schema_id(op_id, spec.status))

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
                "operations": [operation_to_json(op) for op in self.operations.values()],
                **({"security_schemes": self.security_schemes} if self.security_schemes else {}),
                **({"servers": servers} if (servers := self._servers_json()) else {}),
                **(
                    {"webhooks": [operation_to_json(op) for op in self.webhooks.values()]}
                    if self.webhooks
                    else {}
                ),
            },
            SCHEMAS_FILE: schemas_document(self.api, self.version, self.schemas),
        }

    def _servers_json(self) -> list[Any]:
        # URLs as contracts always wrote them; objects only where a server has variables to keep.
        return [server_to_json(s) for s in described(self.servers, self.server_specs)]

    def write(self, folder: Path) -> None:
        """Write the version's files, each replaced whole (a concurrent reader never sees half of one)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, document in self.to_files().items():
            text = dump_json(document, file=str(folder / name), error=ContractError, indent=2)
            atomic_write(folder / name, text + "\n")


def rooted(schema: JSONSchema | bool, schema_id: str) -> JSONSchema:
    if isinstance(schema, bool):  # OpenAPI 3.1's `schema: true` / `false`: the same instances
        return {"$schema": DRAFT, "$id": schema_id, "allOf": [schema]}
    return {"$schema": DRAFT, "$id": schema_id, **schema}


def schemas_document(api: str, version: str, schemas: Mapping[str, JSONSchema]) -> JSONSchema:
    return {
        "$schema": DRAFT,
        "$id": base_uri(api, version) + SCHEMAS_FILE,
        "$defs": dict(sorted(schemas.items())),
    }


def _read_json(path: Path) -> Any:
    return read_json(path, error=ContractError)


def iter_refs(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every `$ref` value below `node`, with the JSON pointer of the object holding it."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield pointer, ref
        for key, value in node.items():
            yield from iter_refs(value, f"{pointer}/{escape(key)}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_refs(value, f"{pointer}/{i}")


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
    defs = require(schemas_raw, "$defs", dict, schemas_path, "")
    notes = [
        n
        for name, d in defs.items()
        for n in check_schema(d, file=schemas_path, pointer=f"/$defs/{escape(name)}")
    ]
    # References (and loops among them) are checked when the version is built, below, with the
    # pointers of these files: `ContractVersion.__post_init__`.
    operations: dict[str, Operation] = {}
    for i, op_raw in enumerate(require(raw, "operations", list, contract_path, "")):
        pointer = f"/operations/{i}"
        op = parse_operation(op_raw, contract_path, pointer)
        notes.extend(_check_operation_schemas(op_raw, contract_path, pointer))
        if op.id in operations:
            raise ContractError(f"duplicate operation id {op.id!r}", file=contract_path, pointer=pointer)
        operations[op.id] = op
    webhooks: dict[str, Operation] = {}
    for i, op_raw in enumerate(raw.get("webhooks") or []):
        pointer = f"/webhooks/{i}"
        hook = parse_operation(op_raw, contract_path, pointer)
        notes.extend(_check_operation_schemas(op_raw, contract_path, pointer))
        webhooks[hook.id] = hook
    known = {
        "api",
        "version",
        "date",
        "description",
        "sources",
        "operations",
        "security_schemes",
        "webhooks",
        "servers",
    }
    specs = servers_from_json(raw.get("servers"), contract_path, "/servers")
    return ContractVersion(
        api=require(raw, "api", str, contract_path, ""),
        version=require(raw, "version", str, contract_path, ""),
        date=raw.get("date"),
        description=raw.get("description", ""),
        sources=tuple(raw.get("sources", [])),
        operations=operations,
        schemas=defs,
        folder=folder if folder.is_dir() else None,
        extra={k: v for k, v in raw.items() if k not in known},
        notes=tuple(notes),
        security_schemes=dict(raw.get("security_schemes") or {}),
        webhooks=webhooks,
        servers=tuple(s.resolved for s in specs),
        server_specs=specs,
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
            places.append((f"{pointer}/responses/{escape(str(status))}/schema", spec.get("schema")))
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
