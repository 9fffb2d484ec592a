"""What the generic simulator knows of one version (schemas, generation, resources, list envelopes,
documented examples) and how it puts an error in the shape the version documents."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractVersion, Operation
from apidrift.simulator.data import Forge, Schemas, Unsatisfiable
from apidrift.simulator.errors import ApiError
from apidrift.simulator.pages import Envelope, envelope_of
from apidrift.simulator.resources import Collection, Kind, Resources, infer

Examples = Mapping[str, list[tuple[int, Any]]]


@dataclass(frozen=True)
class Answer:
    """A status and a JSON body (None: no body)."""

    status: int
    body: Any


class VersionModel:
    """What the engine knows of one version: schemas, generation, resources, envelopes, examples."""

    def __init__(
        self, version: ContractVersion, seed: int, now: Callable[[], int], examples: Examples
    ) -> None:
        self.version = version
        self.schemas = Schemas(version)
        self.forge = Forge(self.schemas, seed, now)
        self.validator = ResponseValidator(version)
        self.examples = examples
        self.envelopes: dict[str, Envelope | None] = {
            op.id: envelope_of(self.schemas, self.success(op)[1])
            for op in version.operations.values()
            if op.method.upper() == "GET"
        }
        self.resources: Resources = infer(version, {k: v is not None for k, v in self.envelopes.items()})

    def success(self, op: Operation) -> tuple[int, Any]:
        """The operation's first documented 2xx status and its schema (200 and no schema if none)."""
        for status in sorted(op.responses):
            if status.isdigit() and status.startswith("2"):
                return int(status), op.responses[status].schema
        return 200, None

    def entity_schema(self, collection: Collection) -> Any:
        """The shape of one item: what retrieving it answers, else a list's items, else a create's answer."""
        ops = self.version.operations
        if (op_id := collection.ops.get(Kind.RETRIEVE)) and (schema := self.success(ops[op_id])[1]):
            return schema
        if (op_id := collection.ops.get(Kind.LIST)) and (envelope := self.envelopes.get(op_id)):
            return envelope.items_schema
        if op_id := collection.ops.get(Kind.CREATE):
            return self.success(ops[op_id])[1]
        return None

    def example_items(self, collection: Collection) -> list[dict[str, Any]]:
        """Documented items of a collection: from its list's, retrieve's and create's examples."""
        found: list[dict[str, Any]] = []
        for kind in (Kind.LIST, Kind.RETRIEVE, Kind.CREATE):
            op_id = collection.ops.get(kind)
            for status, body in self.examples.get(op_id or "", []):
                if not 200 <= status < 300:
                    continue
                envelope = self.envelopes.get(op_id or "") if kind is Kind.LIST else None
                if envelope is not None:
                    rows = body if envelope.items_key is None else (body or {}).get(envelope.items_key)
                    found += [r for r in rows or [] if isinstance(r, dict)]
                elif isinstance(body, dict):
                    found.append(body)
        unique = {repr(item.get("id", item)): item for item in found}  # one documented item, many examples
        return list(unique.values())

    def id_field(self, collection: Collection) -> str:
        props = self.schemas.properties(self.entity_schema(collection))
        if "id" in props or not props:
            return "id"
        if collection.item_param in props:
            return str(collection.item_param)
        return next((name for name in props if name.endswith(("_id", "Id"))), "id")


def error_body(model: VersionModel, op: Operation, error: ApiError) -> Any:
    """`error` in the shape the operation documents for its status (else for any of its 4xx, else the
    version's first documented error), falling back to `{"error": {...}}` when none is documented."""
    plain = error.body()
    schema = _error_schema(model, op, error.status)
    if schema is None:
        return plain
    detail = plain["error"]
    candidates = [
        plain,
        {"error": {k: v for k, v in detail.items() if v is not None}},
        {"error": {"message": detail["message"], "code": detail["code"] or str(error.status)}},
        {k: v for k, v in detail.items() if v is not None},
        {"message": detail["message"], "code": detail["code"] or str(error.status)},
        {"message": detail["message"]},
        {"error": detail["message"]},
    ]
    for candidate in candidates:
        if model.schemas.valid(schema, candidate):
            return candidate
    try:
        return model.forge.fit(schema, candidates[3], f"error:{op.id}:{error.status}")
    except Unsatisfiable:
        return plain


def _error_schema(model: VersionModel, op: Operation, status: int) -> Any:
    def schema_of(candidate: Operation) -> Any:
        spec = candidate.responses.get(str(status))
        if spec is not None and spec.schema is not None:
            return spec.schema
        for code in sorted(candidate.responses):
            documented = candidate.responses[code].schema
            if (code.startswith("4") or code == "default") and documented is not None:
                return documented
        return None

    found = schema_of(op)
    if found is not None:
        return found
    return next(
        (s for other in model.version.operations.values() if (s := schema_of(other)) is not None), None
    )
