"""SDK document models as field paths, and the schema names contract operations use."""

from __future__ import annotations

from collections.abc import Sequence

from apidrift.check.shapes import join
from apidrift.contracts import templates
from apidrift.contracts.model import DEFS_PREFIX, ContractVersion, JSONSchema, Operation
from apidrift.sdk.compare import SdkFieldShape
from apidrift.sdk.documents import DocField, SdkDocument

MAX_REF_DEPTH = 8  # models documented by reference may nest; stop expanding beyond this


def path_shape_params(path: str) -> list[str]:
    """The path parameters' names in order, several to a segment or not (`{base}...{head}`)."""
    return list(templates.names(path))


def schema_name(version: ContractVersion, op: Operation, part: str, page: bool = False) -> str | None:
    """The named schema of an operation's 200 response (its `data` items for pages) or request body."""
    schema: JSONSchema | None
    if part == "request":
        schema = op.request_body.schema if op.request_body else None
    else:
        spec = op.responses.get("200")
        schema = spec.schema if spec else None
    name = _ref_name(schema)
    if name and page:
        items = version.schemas.get(name, {}).get("properties", {}).get("data", {}).get("items")
        return _ref_name(items)
    return name


def _ref_name(schema: JSONSchema | None) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return str(ref)[len(DEFS_PREFIX) :] if isinstance(ref, str) and ref.startswith(DEFS_PREFIX) else None


def doc_field_shapes(fields: Sequence[DocField], document: SdkDocument) -> dict[str, SdkFieldShape]:
    """A documented model as field paths (nested structs and models it references expanded)."""
    out = {"": SdkFieldShape("", ("object",), True, has_children=True)}
    _add_fields(fields, document, "", 0, out)
    return out


def _add_fields(
    fields: Sequence[DocField], document: SdkDocument, prefix: str, depth: int, out: dict[str, SdkFieldShape]
) -> None:
    for f in fields:
        path = join(prefix, f.json_name)
        referenced = document.models.get(f.ref) if f.ref and depth < MAX_REF_DEPTH else None
        children = f.children or (referenced.fields if referenced else ())
        if f.array:
            out[path] = SdkFieldShape(path, ("array",), f.required)
            path = f"{path}[]"
            out[path] = SdkFieldShape(
                path, ("object",) if children else None, True, has_children=bool(children)
            )
        else:
            types = ("object",) if children else f.json_types
            out[path] = SdkFieldShape(path, types, f.required, f.enum, has_children=bool(children))
        if children:
            _add_fields(children, document, path, depth + 1, out)
