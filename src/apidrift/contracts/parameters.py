"""How a server reads a parameter's text (query, path or header): the JSON value its schema says it
is. The traffic check reads requests with it and the fuzzer confirms its mutations with it, so the
two agree on what a request means."""

from __future__ import annotations

from typing import Any

from apidrift.contracts.model import JSONSchema


def json_types(schema: JSONSchema) -> list[str]:
    """The schema's `type`, as a list (empty when it names none)."""
    declared = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(declared, str):
        return [declared]
    return [t for t in declared if isinstance(t, str)] if isinstance(declared, list) else []


def parameter_value(text: str, schema: JSONSchema) -> Any:
    """`text` as the scalar the schema says it is; the text itself when it is not one (validating it
    then says why)."""
    types = json_types(schema)
    if "string" in types or not types:
        return text
    if "integer" in types:
        try:
            return int(text)
        except ValueError:
            pass
    if "number" in types:
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            if number == number and abs(number) != float("inf"):  # NaN and infinities are not JSON
                return number
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "null" in types and text in ("", "null"):
        return None
    return text
