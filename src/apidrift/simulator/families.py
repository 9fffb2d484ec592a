"""Endpoint families: groups of operations (by path prefix) that can answer in another version.

A family is the unit of a half-rolled-out change: `mix={"usage": "2026-05-02"}` makes the usage and
costs endpoints answer as 2026-05-02 while everything else answers as the server's base version.
Paths are the contract's templates (without `/v1`); the longest matching prefix wins.

| family | path prefixes |
| --- | --- |
| `admin_api_keys` | `/organization/admin_api_keys` |
| `audit_logs` | `/organization/audit_logs` |
| `usage` | `/organization/usage/`, `/organization/costs` |
| `invites` | `/organization/invites` |
| `users` | `/organization/users` (incl. a user's role assignments) |
| `groups` | `/organization/groups` (incl. group users and group role assignments) |
| `roles` | `/organization/roles`, `/projects/` (project roles and project role assignments) |
| `projects` | `/organization/projects` (the project object itself) |
| `project_users` | `/organization/projects/{project_id}/users` |
| `service_accounts` | `/organization/projects/{project_id}/service_accounts` |
| `project_api_keys` | `/organization/projects/{project_id}/api_keys` |
| `rate_limits` | `/organization/projects/{project_id}/rate_limits` |
| `project_groups` | `/organization/projects/{project_id}/groups` |
| `certificates` | `/organization/projects/{project_id}/certificates` |
"""

from __future__ import annotations

import re
from typing import Final

from apidrift.simulator.errors import MixError

FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "admin_api_keys": ("/organization/admin_api_keys",),
    "audit_logs": ("/organization/audit_logs",),
    "usage": ("/organization/usage/", "/organization/costs"),
    "invites": ("/organization/invites",),
    "users": ("/organization/users",),
    "groups": ("/organization/groups",),
    "roles": ("/organization/roles", "/projects/"),
    "projects": ("/organization/projects",),
    "project_users": ("/organization/projects/{project_id}/users",),
    "service_accounts": ("/organization/projects/{project_id}/service_accounts",),
    "project_api_keys": ("/organization/projects/{project_id}/api_keys",),
    "rate_limits": ("/organization/projects/{project_id}/rate_limits",),
    "project_groups": ("/organization/projects/{project_id}/groups",),
    "certificates": ("/organization/projects/{project_id}/certificates",),
}

_PREFIXES = sorted(
    ((prefix, family) for family, prefixes in FAMILIES.items() for prefix in prefixes),
    key=lambda pair: len(pair[0]),
    reverse=True,
)


def family_of(path: str) -> str | None:
    """The family of a contract path template (`/organization/costs` -> `usage`), None if none fits."""
    for prefix, family in _PREFIXES:
        # A prefix ending in "/" covers what lies below it; any other covers itself and its sub-paths.
        if prefix.endswith("/"):
            if path.startswith(prefix):
                return family
        elif path == prefix or path.startswith(prefix + "/"):
            return family
    return None


_ITEM = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=\s*(\S+?)\s*$")


def parse_mix(text: str, *, known_versions: list[str] | None = None) -> dict[str, str]:
    """Parse `usage=2026-05-02,invites=2026-04-30` into a family -> version map, checking both names."""
    mix: dict[str, str] = {}
    if not text.strip():
        return mix
    for raw in text.split(","):
        if not raw.strip():
            raise MixError(f"empty item in mix {text!r} (expected family=version, comma-separated)")
        match = _ITEM.match(raw)
        if match is None:
            raise MixError(f"mix item {raw.strip()!r} is not family=version (e.g. usage=2026-05-02)")
        family, version = match.group(1), match.group(2)
        check_mix_item(family, version, known_versions)
        if family in mix and mix[family] != version:
            raise MixError(f"family {family!r} given twice in mix ({mix[family]} and {version})")
        mix[family] = version
    return mix


def check_mix_item(family: str, version: str, known_versions: list[str] | None = None) -> None:
    """Raise MixError unless the family is known and (when versions are given) the version is too."""
    if family not in FAMILIES:
        raise MixError(f"unknown endpoint family {family!r} in mix (known: {', '.join(FAMILIES)})")
    if known_versions is not None and version not in known_versions:
        known = ", ".join(known_versions) or "none"
        raise MixError(f"unknown version {version!r} for family {family!r} (known: {known})")
