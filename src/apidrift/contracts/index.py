"""The contract index (`<root>/<api>/index.json`): one entry per version, updated under a lock and
replaced whole, so concurrent imports into one contracts folder all keep their version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apidrift.contracts.model import ContractVersion
from apidrift.errors import ContractError
from apidrift.files import update_file

INDEX_FILE = "index.json"


def index_path(root: Path, api: str) -> Path:
    return root / api / INDEX_FILE


def parse_index(text: bytes | None, path: Path, api: str) -> dict[str, Any]:
    """The index as a dict (an empty one when there is no file); ContractError when it is broken."""
    if text is None:
        return {"api": api, "versions": []}
    try:
        index = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContractError(f"cannot read the contract index: {exc}", file=path) from None
    if not isinstance(index, dict) or not isinstance(index.get("versions"), list):
        raise ContractError("not a contract index: no 'versions' list", file=path, pointer="/versions")
    if index.get("api", api) != api:
        raise ContractError(
            f"the index is for api {index.get('api')!r}, not {api!r}", file=path, pointer="/api"
        )
    return index


def read_index(path: Path, api: str) -> dict[str, Any]:
    """The index at `path` (see `parse_index`); an unreadable file is a ContractError too."""
    try:
        text = path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise ContractError(f"cannot read the contract index: {exc.strerror}", file=path) from None
    return parse_index(text, path, api)


def index_entry(contract: ContractVersion) -> dict[str, Any]:
    return {
        "version": contract.version,
        "date": contract.date,
        "description": contract.description,
        "folder": contract.version,
        "sources": list(contract.sources),
        "operations": len(contract.operations),
        "schemas": len(contract.schemas),
    }


def with_version(index: dict[str, Any], contract: ContractVersion) -> dict[str, Any]:
    """The index with this version's entry added or replaced; every other entry kept as it was."""
    others = [
        e for e in index["versions"] if not (isinstance(e, dict) and e.get("version") == contract.version)
    ]
    versions = sorted(
        [*others, index_entry(contract)],
        key=lambda e: str(e.get("version", "")) if isinstance(e, dict) else "",
    )
    return {**index, "api": contract.api, "versions": versions}


def record_version(root: Path, contract: ContractVersion) -> Path:
    """Add or replace the version's entry in its API's index: read, change and replace inside the
    folder's lock, so an import running at the same time cannot lose this entry or lose its own."""
    path = index_path(root, contract.api)

    def change(old: bytes | None) -> bytes:
        index = with_version(parse_index(old, path, contract.api), contract)
        return (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    update_file(path, change)
    return path
