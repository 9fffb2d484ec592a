"""Field names between an overlay's state and a version served from it: the state keeps its items in
the overlay's native version, and where the diff from that version to the served one finds a field
of an operation's answer renamed (`created_at` -> `invited_at`), the engine shows and takes that field
under the served name while the state keeps one value under its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apidrift.contracts.model import ContractVersion
from apidrift.diff.changes import ChangeKind, Side


class Renames:
    """The response-field renames from a native version to each served version, per operation."""

    def __init__(self, native: ContractVersion | None) -> None:
        self.native = native
        self._found: dict[str, dict[str, list[tuple[str, str]]]] = {}

    def of(self, version: ContractVersion, op_id: str, items_key: str | None) -> dict[str, str]:
        """Native name -> served name of the item fields `op_id` renames; `items_key`: the list
        envelope's array (its items' fields are `data[].name`), None for an answer that is the item."""
        if self.native is None or version.version == self.native.version:
            return {}
        if version.version not in self._found:
            self._found[version.version] = self._diff(version)
        prefix = f"{items_key}[]." if items_key else ""
        out: dict[str, str] = {}
        for old, new in self._found[version.version].get(op_id, []):
            leaf = new.removeprefix(prefix) if new.startswith(prefix) else None
            old_leaf = old.removeprefix(prefix) if old.startswith(prefix) else None
            if leaf and old_leaf and "." not in leaf and "[" not in leaf and "." not in old_leaf:
                out[old_leaf] = leaf
        return out

    def _diff(self, version: ContractVersion) -> dict[str, list[tuple[str, str]]]:
        from apidrift.diff.engine import diff_versions  # imported here: only a shared overlay needs it

        assert self.native is not None
        found: dict[str, list[tuple[str, str]]] = {}
        for change in diff_versions(self.native, version).changes:
            ok = change.kind is ChangeKind.FIELD_RENAMED and change.side is Side.RESPONSE
            if ok and change.operation_id and str(change.status or "").startswith("2"):
                found.setdefault(change.operation_id, []).append((str(change.old), str(change.new)))
        return found


def served(item: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """An item with its fields under the served names (the order kept)."""
    return {names.get(k, k): v for k, v in item.items()}


def stored(name: str, names: Mapping[str, str]) -> str:
    """The state's name of a served field."""
    return next((old for old, new in names.items() if new == name), name)
