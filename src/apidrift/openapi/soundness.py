"""Refuse an imported version whose converted schemas would be unsound, before anything is written.

The contract loader (`contracts.soundness`) refuses the same schemas when a version is read back;
checking at import names the document's own location instead of a file that does not exist yet.
"""

from __future__ import annotations

from apidrift.contracts.model import ContractVersion
from apidrift.contracts.safeload import escape
from apidrift.contracts.soundness import check_cycles, check_schema
from apidrift.errors import ContractError, OpenAPIError
from apidrift.openapi.components import Finding, FindingKind


def check_imported(version: ContractVersion, *, file: str | None) -> list[Finding]:
    """OpenAPIError for an unsound schema; unknown keywords come back as findings."""
    findings: list[Finding] = []
    try:
        check_cycles(version.schemas, file=file or "", prefixes=("#/$defs/",))
        for name, schema in version.schemas.items():
            for note in check_schema(schema, file=file or "", pointer=f"/components/schemas/{escape(name)}"):
                findings.append(Finding(FindingKind.UNKNOWN_KEYWORD, note.message, "", file, note.pointer))
        for op in version.operations.values():
            places = [(f"parameter {p.name}", p.schema) for p in op.parameters]
            if op.request_body is not None:
                places.append(("request body", op.request_body.schema))
            places += [(f"response {s}", r.schema) for s, r in op.responses.items() if r.schema is not None]
            for where, schema in places:
                for note in check_schema(schema, file=file or "", pointer=""):
                    findings.append(
                        Finding(FindingKind.UNKNOWN_KEYWORD, f"{where}: {note.message}", op.id, file, "")
                    )
    except ContractError as exc:
        pointer = exc.pointer.replace("/$defs/", "/components/schemas/", 1)
        raise OpenAPIError(
            f"schema unsound once converted: {exc.message}", file=file, pointer=pointer
        ) from None
    return list(dict.fromkeys(findings))
