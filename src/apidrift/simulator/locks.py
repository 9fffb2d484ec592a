"""Items in a state that refuse writes, as a profile states them (`[simulation.locks]`): an archived
project refuses changes to itself and to everything below it in the paths; a directory-managed group
refuses a rename. The contract documents the state's field, never the rule, so the profile says it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from apidrift.profiles.model import Lock
from apidrift.simulator.core import Call
from apidrift.simulator.errors import ApiError
from apidrift.simulator.resources import Collection, Kind, Resources

# (a collection, the call's path parameters) -> that collection's items by id (404s as the engine's)
Items = Callable[[Collection, Mapping[str, str]], Mapping[str, dict[str, Any]]]


def check(locks: Mapping[str, Lock], resources: Resources, call: Call, kind: Kind, items: Items) -> None:
    """Raise the lock's 400 when this write touches a locked item or lies below one."""
    if not locks or call.op.method.upper() == "GET":
        return
    role = resources.roles[call.op.id]
    own = resources.collections.get(role.collection or "")
    if own is not None and own.item_param and kind.value in (lock := locks.get(own.path, _NONE)).refuse:
        _refuse(lock, items(own, call.params).get(call.params.get(own.item_param, "")), own.item_param, call)
    for param in (p.name for p in call.op.path_params):
        owner = resources.owner_of(call.op.path, param)
        if owner is None or (owner is own and param == own.item_param):
            continue
        lock = locks.get(owner.path, _NONE)
        if "below" in lock.refuse:
            _refuse(lock, items(owner, call.params).get(call.params.get(param, "")), param, call)


_NONE = Lock(when={}, refuse=())


def _refuse(lock: Lock, item: Mapping[str, Any] | None, param: str, call: Call) -> None:
    if item is None or not all(_value(item, field) == wanted for field, wanted in lock.when.items()):
        return
    ident = call.params.get(param, "")
    raise ApiError(400, lock.message.replace("{id}", ident), param=param, code=lock.code)


def _value(item: Mapping[str, Any], field: str) -> Any:
    node: Any = item
    for part in field.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node
