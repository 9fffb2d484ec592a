"""Where a contract version comes from: a label, a contract folder, or an OpenAPI file (cached)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apidrift.contracts.model import CONTRACT_FILE, ContractStore, ContractVersion, load_version
from apidrift.errors import ApidriftError, ContractError
from apidrift.openapi.convert import DEFAULT_SCOPE, ImportResult, import_document, load_document

# /2: media-type examples and the `openapi` provenance block joined the entry.
CACHE_FORMAT = "apidrift.openapi-cache/2"


def cache_dir() -> Path:
    base = os.environ.get("APIDRIFT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "apidrift"
    )
    return Path(base) / "openapi"


def import_openapi_file(
    path: Path,
    *,
    version: str | None = None,
    scope: Sequence[str] = DEFAULT_SCOPE,
    api: str = "openai-admin",
    use_cache: bool = True,
) -> ImportResult:
    """Import an OpenAPI file; the result is cached by the file's content hash and the scope."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ApidriftError(f"cannot read: {exc.strerror}", file=path) from None
    label = version or path.stem
    content = hashlib.sha256(data).hexdigest()
    key = hashlib.sha256("\0".join([CACHE_FORMAT, content, api, *scope]).encode()).hexdigest()
    cached = cache_dir() / f"{key}.json"
    if use_cache and cached.is_file():
        try:
            return _from_cache(json.loads(cached.read_text(encoding="utf-8")), label)
        except (ValueError, _StaleCache, ApidriftError):
            pass  # a damaged or outdated cache entry is rebuilt below
    document = load_document(path)
    result = import_document(
        document, api=api, version=label, scope=scope, source=f"openapi {path.name}", file=str(path)
    )
    raw_info = document.get("info")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    # Where the version came from, kept in contract.json (and so in the cache) beside the operations.
    provenance = {
        "file": path.name,
        "sha256": content,
        "openapi": str(document.get("openapi")),
        "title": str(info.get("title", "")),
        "info_version": str(info.get("version", "")),
        "scope": list(scope),
    }
    result = dataclasses.replace(
        result,
        version=dataclasses.replace(
            result.version,
            date=str(info.get("version", "")) or None,
            extra={**result.version.extra, "openapi": provenance},
        ),
    )
    if use_cache:
        _to_cache(cached, result)
    return result


def _to_cache(target: Path, result: ImportResult) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        files = result.version.to_files()
        entry = {
            "format": CACHE_FORMAT,
            "contract": files[CONTRACT_FILE],
            "schemas": files["schemas.json"],
            "examples": [dataclasses.asdict(e) for e in result.examples],
            "problems": result.problems,
        }
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(entry), encoding="utf-8")
        tmp.replace(target)
    except OSError:
        pass  # caching is an optimisation; a read-only home must not break a diff


class _StaleCache(Exception):
    """A cache entry that is not what this version of apidrift writes: rebuild it."""


def _from_cache(entry: Any, label: str) -> ImportResult:
    from apidrift.contracts.model import parse_version
    from apidrift.openapi.convert import ImportedExample

    if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
        raise _StaleCache("format")
    contract, schemas = entry.get("contract"), entry.get("schemas")
    examples, problems = entry.get("examples"), entry.get("problems")
    if not (isinstance(contract, dict) and isinstance(schemas, dict)):
        raise _StaleCache("contract")
    if not (isinstance(examples, list) and isinstance(problems, list)):
        raise _StaleCache("examples")
    version = parse_version({**contract, "version": label}, schemas, Path("<cache>"))
    try:
        imported = [ImportedExample(**e) for e in examples]
    except TypeError as exc:
        raise _StaleCache("examples") from exc
    return ImportResult(version, imported, [str(p) for p in problems])


def resolve_version(argument: str, store: ContractStore) -> ContractVersion:
    """A version label of `store`, a contract folder, or an OpenAPI file (YAML or JSON)."""
    path = Path(argument)
    if path.is_dir():
        if not (path / CONTRACT_FILE).is_file():
            raise ContractError(f"not a contract folder: no {CONTRACT_FILE}", file=path)
        return load_version(path)
    if path.is_file():
        return import_openapi_file(path).version
    return store.load(argument)
