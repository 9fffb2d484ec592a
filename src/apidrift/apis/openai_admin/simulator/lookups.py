"""Lookups the OpenAI Admin handlers share: the path's project, member and role (404s worded as the API's)."""

from __future__ import annotations

from apidrift.apis.openai_admin.simulator.registry import Call
from apidrift.simulator.core import Entity, lookup
from apidrift.simulator.errors import ApiError, not_found


def project(call: Call, *, writable: bool = False) -> Entity:
    """The path's project (404 if unknown); with `writable`, a 400 if it is archived."""
    pid = call.param("project_id")
    found: Entity | None = call.state.projects.get(pid)
    if found is None:
        raise not_found("project", pid, "project_id")
    if writable and found["status"] == "archived":
        raise ApiError(
            400,
            f"Project '{pid}' is archived and cannot be modified.",
            param="project_id",
            code="project_archived",
        )
    return found


def project_member(call: Call, *, writable: bool = False) -> Entity:
    """The path's project member (404 if the project or the membership is unknown)."""
    pid = project(call, writable=writable)["id"]
    return lookup(call.state.project_users[pid], call.param("user_id"), "project user", "user_id")


def project_role(call: Call, pid: str, ident: str, param: str) -> Entity:
    """A role of this project, by id or (for `add-project-group`'s `role`) by name."""
    roles: dict[str, Entity] = call.state.project_roles[pid]
    found = roles.get(ident) or next((r for r in roles.values() if r["name"] == ident), None)
    if found is None:
        raise not_found("project role", ident, param)
    return found
