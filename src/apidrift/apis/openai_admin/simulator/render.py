"""Rendering: a handler's 2026-05-02 body -> the body a given contract version documents.

State and handlers speak 2026-05-02. For 2026-04-30 every change set of the seed-004 catalog (§3) is
undone at the value level, per operation: `results` -> `result` (CS-US), `created_at` -> `invited_at`
(CS-INV), `group_type` dropped (CS-GRP, CS-PG), the ten new `OrganizationUser` fields dropped (CS-OU),
the project-API-key owner's `created_at` -> `added_at` plus `object` (CS-PKO), `external_key_id` dropped
(CS-PROJ), group users as full `OrganizationUser`s (CS-GU), certificate (de)activations as list pages
(CS-PC). Keys starting with `_` are bookkeeping and never served, in any version.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any, Final

from apidrift.apis.openai_admin import ORGANIZATION_USER_ADDED_FIELDS
from apidrift.simulator.errors import SimulatorError

Body = Any
Adapter = Callable[[Body], None]
NATIVE: Final = "2026-05-02"


def nodes(body: Body, path: str) -> Iterator[dict[str, Any]]:
    """The objects at a dotted path where `[]` steps into every array element (`data[].owner`)."""
    found: list[Any] = [body]
    for part in filter(None, path.split(".")):
        name, many = part.removesuffix("[]"), part.endswith("[]")
        step: list[Any] = []
        for node in found:
            if isinstance(node, dict) and name in node:
                value = node[name]
                step.extend(value if many and isinstance(value, list) else [value])
        found = step
    yield from (n for n in found if isinstance(n, dict))


def rename(where: str, old: str, new: str) -> Adapter:
    def apply(body: Body) -> None:
        for node in nodes(body, where):
            if old in node:
                # Rebuild in place so the renamed key keeps its position (diffs of bodies stay readable).
                pairs = [((new if k == old else k), v) for k, v in node.items()]
                node.clear()
                node.update(pairs)

    return apply


def drop(where: str, *keys: str) -> Adapter:
    def apply(body: Body) -> None:
        for node in nodes(body, where):
            for key in keys:
                node.pop(key, None)

    return apply


def put(where: str, key: str, value: Any) -> Adapter:
    def apply(body: Body) -> None:
        for node in nodes(body, where):
            node[key] = copy.deepcopy(value)

    return apply


def carry(where: str, hidden: str, key: str) -> Adapter:
    """Serve a bookkeeping value (`_role`) under its documented name (`role`)."""

    def apply(body: Body) -> None:
        for node in nodes(body, where):
            if hidden in node:
                node[key] = node[hidden]

    return apply


def as_list_page(body: Body) -> None:
    """CS-PC: on 2026-04-30 a certificate (de)activation answers as a one-page list."""
    data = body.get("data", [])
    body["object"] = "list"
    body["has_more"] = False
    body["first_id"] = data[0]["id"] if data else None
    body["last_id"] = data[-1]["id"] if data else None


NEW_USER_FIELDS: Final = ORGANIZATION_USER_ADDED_FIELDS


def _key_owner(where: str) -> list[Adapter]:
    return [
        rename(f"{where}.user", "created_at", "added_at"),
        put(f"{where}.user", "object", "organization.project.user"),
        put(f"{where}.service_account", "object", "organization.project.service_account"),
    ]


OLD: Final[dict[str, list[Adapter]]] = {
    "create-group": [drop("", "group_type")],
    "list-project-groups": [drop("data[]", "group_type")],
    "add-project-group": [drop("", "group_type")],
    "list-group-users": [
        put("data[]", "object", "organization.user"),
        carry("data[]", "_role", "role"),
        carry("data[]", "_added_at", "added_at"),
    ],
    "inviteUser": [rename("", "created_at", "invited_at")],
    **{op: [drop("", "external_key_id")] for op in ("create-project", "archive-project")},
    "list-users": [drop("data[]", *NEW_USER_FIELDS)],
    "retrieve-user": [drop("", *NEW_USER_FIELDS)],
    "modify-user": [drop("", *NEW_USER_FIELDS)],
    "assign-user-role": [drop("user", *NEW_USER_FIELDS)],
    "assign-project-user-role": [drop("user", *NEW_USER_FIELDS)],
    "list-project-api-keys": _key_owner("data[].owner"),
    "retrieve-project-api-key": _key_owner("owner"),
    "activateProjectCertificates": [as_list_page],
    "deactivateProjectCertificates": [as_list_page],
}

ADAPTATIONS: Final[dict[str, dict[str, list[Adapter]]]] = {NATIVE: {}, "2026-04-30": OLD}


def check_renderable(version: str) -> None:
    """Raise SimulatorError unless the simulator knows how to answer as `version`."""
    if version not in ADAPTATIONS:
        known = ", ".join(sorted(ADAPTATIONS))
        raise SimulatorError(f"the simulator cannot answer as version {version!r} (it renders: {known})")


def render(op_id: str, version: str, body: Body) -> Body:
    """The body `version` documents for `op_id`, from the handler's 2026-05-02 body (never mutated)."""
    check_renderable(version)
    out = copy.deepcopy(body)
    for adapt in ADAPTATIONS[version].get(op_id, ()):
        adapt(out)
    return strip_hidden(out)


def strip_hidden(value: Any) -> Any:
    """Remove bookkeeping keys (`_…`) at every depth, in place; returns the value."""
    if isinstance(value, dict):
        for key in [k for k in value if isinstance(k, str) and k.startswith("_")]:
            del value[key]
        for item in value.values():
            strip_hidden(item)
    elif isinstance(value, list):
        for item in value:
            strip_hidden(item)
    return value
