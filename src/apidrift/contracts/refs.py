"""What a contract's `$ref` may name, checked once when a version is built, and followed by every walk.

A reference names one whole named schema: `schemas.json#/$defs/Name` (from an operation) or
`#/$defs/Name` (from a named schema, which may also use the first form). Anything else cannot be
followed by the flattener, the diff or the generators, and a validator would read it differently
(`#` is the schema itself: a loop that admits any body), so it is refused with its `FILE#POINTER`:
a reference to the whole document, into another file or URL, inside a named schema, to a missing
name, or to a name spelled with pointer escapes (`~1`, `%20`). A cycle through in-place applicators
only (`A: {allOf: [{$ref: B}]}`, `B: {$ref: A}`) is refused too: it admits anything or never ends.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

from apidrift.contracts.safeload import escape
from apidrift.contracts.soundness import check_cycles, pointer_at, refs_below
from apidrift.errors import ContractError

if TYPE_CHECKING:
    from apidrift.contracts.operations import Operation

SCHEMAS_FILE: Final = "schemas.json"
LOCAL_PREFIX: Final = "#/$defs/"
FILE_PREFIX: Final = f"{SCHEMAS_FILE}{LOCAL_PREFIX}"


def why_unfollowable(ref: Any, names: Mapping[str, Any] | set[str], *, local: bool) -> str | None:
    """Why `ref` names no whole named schema of `names` (None: it does). `local`: written in a named
    schema, where `#/$defs/Name` is the usual form; operations write `schemas.json#/$defs/Name`."""
    if not isinstance(ref, str):
        return f"$ref must be a string, not {type(ref).__name__}"
    prefixes = (LOCAL_PREFIX, FILE_PREFIX) if local else (FILE_PREFIX,)
    token = next((ref[len(p) :] for p in prefixes if ref.startswith(p)), None)
    usual = prefixes[0]
    if token is None:
        if ref in ("#", "", SCHEMAS_FILE, f"{SCHEMAS_FILE}#") or ref.endswith("#"):
            return f"$ref {ref!r} names a whole document, not a schema: a reference names one ({usual}Name)"
        return f"$ref {ref!r} must point into {usual}"
    head, slash, _ = token.partition("/")
    if slash:
        if head in names:
            return f"$ref {ref!r} points inside schema {head!r}: a reference names a schema ({usual}{head})"
        return f"dangling $ref {ref!r}"
    if head in names and "~" not in head and "%" not in head:
        return None
    decoded = unquote(head).replace("~1", "/").replace("~0", "~")
    if decoded != head or "~" in head or "%" in head:
        return (
            f"$ref {ref!r} spells a schema name with JSON Pointer or percent escapes: contract "
            "references name a schema as written, and schema names use letters, digits, '.', '-', '_'"
        )
    if not head:
        return f"$ref {ref!r} names no schema"
    return f"dangling $ref {ref!r}"


def target(defs: Mapping[str, Any], ref: Any, *, where: str = "") -> tuple[str, Any]:
    """The named schema `ref` names, with its name; a ContractError (naming `where`, the walk's place)
    when it names none. Every walk of named schemas follows references through this."""
    if isinstance(ref, str):
        for prefix in (FILE_PREFIX, LOCAL_PREFIX):
            if ref.startswith(prefix):
                name = ref[len(prefix) :]
                found = defs.get(name)
                if found is not None and "~" not in name and "%" not in name:
                    return name, found
                break
    why = why_unfollowable(ref, defs, local=True) or f"$ref {ref!r} cannot be followed"
    raise ContractError(f"{why} (at {where})" if where else why)


def check_references(
    schemas: Mapping[str, Any],
    *,
    operations: Mapping[str, Operation],
    webhooks: Mapping[str, Operation],
    folder: Path,
) -> None:
    """Refuse a version (its named `schemas`, `operations` and `webhooks`, stored in `folder`) any of
    whose references names no whole named schema, or whose named schemas refer to themselves in
    place (see the module's docstring)."""
    names = schemas
    defs_file, contract_file = folder / SCHEMAS_FILE, folder / "contract.json"
    for name, schema in names.items():
        _check_tree(schema, names, local=True, file=defs_file, pointer=f"/$defs/{escape(name)}")
    for key, ops in (("operations", operations), ("webhooks", webhooks)):
        for i, operation in enumerate(ops.values()):
            known = _CHECKED.get(id(operation))
            if known is not None and known[0]() is operation and known[1] <= names.keys():
                continue  # checked already (a version made with `replace` shares its operations)
            targets: set[str] = set()
            for pointer, schema in operation_schemas(operation, f"/{key}/{i}"):
                _check_tree(schema, names, local=False, file=contract_file, pointer=pointer, found=targets)
            _remember(operation, frozenset(targets))
    check_cycles(names, file=defs_file, prefixes=(LOCAL_PREFIX, FILE_PREFIX))


def operation_schemas(operation: Operation, pointer: str) -> Iterator[tuple[str, Any]]:
    """Every schema an operation holds, with its pointer as `contract.json` writes the operation."""
    for i, parameter in enumerate(operation.parameters):
        yield f"{pointer}/parameters/{i}/schema", parameter.schema
    body = operation.request_body
    if body is not None:
        yield f"{pointer}/request_body/schema", body.schema
        for media_type, schema in body.media.items():
            yield f"{pointer}/request_body/media/{escape(media_type)}", schema
    for status, spec in operation.responses.items():
        at = f"{pointer}/responses/{escape(str(status))}"
        yield f"{at}/schema", spec.schema
        for media_type, schema in spec.media.items():
            yield f"{at}/media/{escape(media_type)}", schema
        for header_name, header in spec.headers.items():
            yield f"{at}/headers/{escape(header_name)}/schema", header.schema


def _check_tree(
    node: Any,
    names: Mapping[str, Any],
    *,
    local: bool,
    file: Path,
    pointer: str,
    found: set[str] | None = None,
) -> None:
    for at, ref in refs_below(node, pointer):
        why = why_unfollowable(ref, names, local=local)
        if why is not None:
            raise ContractError(why, file=file, pointer=f"{pointer_at(at)}/$ref")
        if found is not None:
            found.add(ref.rpartition("/")[2])


# Operations checked already, by identity, with the names they refer to: they are frozen, and a
# version made with `replace` (a scope, a repair) shares them; entries go with their operation.
_CHECKED: dict[int, tuple[weakref.ref[Any], frozenset[str]]] = {}


def _remember(operation: Operation, targets: frozenset[str]) -> None:
    key = id(operation)
    _CHECKED[key] = (weakref.ref(operation, lambda _: _CHECKED.pop(key, None)), targets)
