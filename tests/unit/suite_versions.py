"""A contract version around one schema: the 200 response body of its one operation, as `import-openapi`
captures an inline schema (shared by the tests that run JSON Schema Test Suite cases)."""

from __future__ import annotations

from typing import Any

from apidrift.contracts.model import ContractVersion, JSONSchema
from apidrift.contracts.operations import Operation, ResponseSpec


def version_for(schema: Any, defs: dict[str, JSONSchema] | None = None) -> ContractVersion:
    # A boolean schema is an object schema's only member: the same instances, and a dict.
    body = schema if isinstance(schema, dict) else {"allOf": [schema]}
    response = ResponseSpec(status="200", description="", schema=body)
    op = Operation(
        id="op",
        method="GET",
        path="/x",
        summary="",
        parameters=(),
        request_body=None,
        responses={"200": response},
    )
    return ContractVersion(
        api="suite",
        version="v1",
        date=None,
        description="",
        sources=(),
        operations={"op": op},
        schemas=defs or {},
    )
