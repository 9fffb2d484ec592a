"""Resources inferred from a version's path templates: collections (create and list), their items
(retrieve, update, delete) and actions on an item; every other operation is a plain read or write.

`/pets` with `/pets/{pet_id}` is a collection of pets; `POST /pets/{pet_id}/feed` is an action on a
pet; `/pets/{pet_id}/toys` is a collection inside each pet. Nothing here knows any API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from apidrift.contracts import templates
from apidrift.contracts.model import ContractVersion, Operation

# Names of the array that holds a list's items, most likely first (any array property otherwise).
ITEM_ARRAYS: Final = ("data", "items", "results", "records", "entries", "objects")


class Kind(StrEnum):
    LIST = "list"
    CREATE = "create"
    RETRIEVE = "retrieve"
    UPDATE = "update"
    DELETE = "delete"
    ACTION = "action"
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Role:
    """What one operation does to which collection (`collection` is a path template, or None)."""

    kind: Kind
    collection: str | None = None
    item_param: str | None = None


@dataclass
class Collection:
    """One collection: its path template, the parameter naming an item, and its operations by kind."""

    path: str
    item_param: str | None = None
    ops: dict[Kind, str] = field(default_factory=dict)

    @property
    def parents(self) -> tuple[str, ...]:
        """The path parameters that scope the collection (`pet_id` of `/pets/{pet_id}/toys`)."""
        return templates.names(self.path)


@dataclass(frozen=True)
class Resources:
    """Every operation's role and every collection of one version."""

    roles: dict[str, Role]
    collections: dict[str, Collection]

    def item_path(self, collection: Collection) -> str | None:
        return f"{collection.path}/{{{collection.item_param}}}" if collection.item_param else None

    def owner_of(self, path: str, param: str) -> Collection | None:
        """The collection whose items a path parameter names, where the path shows it
        (`/pets/{pet_id}/toys` -> the collection `/pets`)."""
        segments = templates.segments(path)
        for i, segment in enumerate(segments):
            if param in segment.names:
                found = self.collections.get("/".join(s.text for s in segments[:i]))
                if found is not None and found.item_param == param:
                    return found
        return None


def infer(version: ContractVersion, is_list: dict[str, bool]) -> Resources:
    """Roles and collections of `version`; `is_list` says which GET operations answer with a list."""
    ops = list(version.operations.values())
    item_paths = {op.path for op in ops if _last_param(op.path)}
    collections: dict[str, Collection] = {}

    def collection(path: str) -> Collection:
        return collections.setdefault(path, Collection(path))

    for path in sorted(item_paths):
        parent, param = path.rsplit("/", 1)[0], _last_param(path)
        found = collection(parent)
        found.item_param = found.item_param or param
    roles: dict[str, Role] = {}
    for op in ops:
        roles[op.id] = _role(op, collections, is_list.get(op.id, False), item_paths)
        role = roles[op.id]
        if role.collection is not None and role.kind is not Kind.ACTION:
            collection(role.collection).ops.setdefault(role.kind, op.id)
    # A GET list with no item path is still a collection (its items have no id to be read by).
    for op in ops:
        if roles[op.id].kind is Kind.LIST:
            collection(op.path).ops.setdefault(Kind.LIST, op.id)
    return Resources(roles, collections)


def _role(op: Operation, collections: dict[str, Collection], is_list: bool, item_paths: set[str]) -> Role:
    path, method = op.path, op.method.upper()
    param = _last_param(path)
    if param is not None:
        parent = path.rsplit("/", 1)[0]
        kind = {"GET": Kind.RETRIEVE, "DELETE": Kind.DELETE}.get(method, Kind.UPDATE)
        return Role(kind, parent, param)
    if method == "GET":
        return Role(Kind.LIST, path) if is_list else Role(Kind.READ)
    is_collection = path in collections or any(_names_item_below(p, path) for p in item_paths)
    if method in ("POST", "PUT") and is_collection:
        return Role(Kind.CREATE, path)
    parent = path.rsplit("/", 1)[0]
    owner = _last_param(parent)
    if owner is not None and parent in item_paths:
        return Role(Kind.ACTION, parent.rsplit("/", 1)[0], owner)
    return Role(Kind.WRITE)


def _names_item_below(item_path: str, path: str) -> bool:
    """Whether `item_path`'s segment right after `path` names something (`/pets/{pet_id}.json/...`)."""
    if not item_path.startswith(path + "/"):
        return False
    return not templates.segments(item_path[len(path) :])[1].is_literal


def _last_param(path: str) -> str | None:
    """The item a path names by its last segment: that segment's only expression (`{id}`, `{id}.json`)."""
    return templates.segments(path)[-1].sole_param
