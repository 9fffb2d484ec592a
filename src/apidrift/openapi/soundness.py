"""Repair, then refuse: an imported version's converted schemas are made valid 2020-12 and checked
for soundness before anything is written.

Real documents are often a little off (`required: [id, id]`): what the metaschema refuses is
repaired (duplicates removed) or dropped, each change a documentation finding. What no repair can
make sound (a schema that refers to itself without descending into the instance) is an error that
names the document's own location, not a contract file that does not exist yet. The contract loader
(`contracts.soundness`) refuses the same defects when a version is read back.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.contracts.safeload import escape
from apidrift.contracts.soundness import check_cycles, check_schema, repair_schema
from apidrift.errors import ContractError, OpenAPIError
from apidrift.openapi.components import Finding, FindingKind


def check_imported(version: ContractVersion, *, file: str | None) -> tuple[ContractVersion, list[Finding]]:
    """The version with its schemas repaired, and the findings: repairs and unknown keywords."""
    findings: list[Finding] = []
    where = file or ""
    try:
        schemas: dict[str, Any] = {}
        for name, schema in version.schemas.items():
            pointer = f"/components/schemas/{escape(name)}"
            schemas[name] = _repaired(schema, pointer, "", file, findings)
            for note in check_schema(schemas[name], file=where, pointer=pointer, meta=False):
                findings.append(Finding(FindingKind.UNKNOWN_KEYWORD, note.message, "", file, note.pointer))
        check_cycles(schemas, file=where, prefixes=("#/$defs/",))
        operations = {op_id: _operation(op, file, findings) for op_id, op in version.operations.items()}
    except ContractError as exc:
        pointer = exc.pointer.replace("/$defs/", "/components/schemas/", 1)
        message = f"schema unsound once converted: {exc.message}"
        raise OpenAPIError(message, file=file, pointer=pointer) from None
    repaired = dataclasses.replace(version, schemas=schemas, operations=operations)
    return repaired, list(dict.fromkeys(findings))


def _repaired(schema: Any, pointer: str, operation: str, file: str | None, findings: list[Finding]) -> Any:
    fixed, repairs = repair_schema(schema, pointer=pointer)
    for at, why in repairs:
        findings.append(
            Finding(FindingKind.SCHEMA_REPAIRED, why, operation, file, at if not operation else "")
        )
    return fixed


def _operation(op: Operation, file: str | None, findings: list[Finding]) -> Operation:
    """The operation with each inline schema repaired; unknown keywords in them become findings."""

    def fix(schema: Any, where: str) -> Any:
        fixed = _repaired(schema, "", op.id, file, findings)
        try:
            notes = check_schema(fixed, file=file or "", pointer="", meta=False)
        except ContractError as exc:
            # An inline schema's pointer is its own; the operation and the holder say where it is.
            inside = f" at {exc.pointer.lstrip('/')}" if exc.pointer else ""
            pointer = f"/paths/{escape(op.path)}/{op.method.lower()}"
            raise ContractError(f"{where}{inside}: {exc.message}", file=file or "", pointer=pointer) from None
        for note in notes:
            findings.append(Finding(FindingKind.UNKNOWN_KEYWORD, f"{where}: {note.message}", op.id, file, ""))
        return fixed

    # A schema with nothing to repair comes back as itself: its holder is kept, not copied.
    def holding(holder: Any, where: str) -> Any:
        fixed = fix(holder.schema, where)
        return holder if fixed is holder.schema else dataclasses.replace(holder, schema=fixed)

    parameters = tuple(holding(p, f"parameter {p.name}") for p in op.parameters)
    body = op.request_body
    if body is not None:
        body = holding(body, "request body")
    responses = {
        status: spec if spec.schema is None else holding(spec, f"response {status}")
        for status, spec in op.responses.items()
    }
    kept: list[tuple[object, object]] = [*zip(parameters, op.parameters, strict=True)]
    kept += zip(responses.values(), op.responses.values(), strict=True)
    if body is op.request_body and all(new is old for new, old in kept):
        return op
    return dataclasses.replace(op, parameters=parameters, request_body=body, responses=responses)
