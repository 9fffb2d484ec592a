"""Handlers of the roles family: organization roles, project roles (`/projects/{project_id}/roles`) and
the role assignments of project users and project groups (2026-05-02 bodies)."""

from __future__ import annotations

from apidrift.apis.openai_admin.simulator.lookups import project, project_member, project_role
from apidrift.apis.openai_admin.simulator.registry import Body, Call, handles
from apidrift.apis.openai_admin.simulator.state import Entity
from apidrift.apis.openai_admin.simulator.views import (
    assigned_role_view,
    default_user,
    group_summary,
    role_view,
    user_view,
)
from apidrift.simulator.core import cursor_page, lookup
from apidrift.simulator.errors import ApiError, bad_request, not_found

# --- organization roles --------------------------------------------------------------------


@handles("create-role")
def create_role(call: Call) -> Body:
    return _create_role_in(call, call.state.roles, "api.organization")


@handles("update-role")
def update_role(call: Call) -> Body:
    return _update_role_in(call, call.state.roles)


@handles("delete-role")
def delete_role(call: Call) -> Body:
    role = _delete_role_in(call, call.state.roles)
    for assigned in (*call.state.user_roles.values(), *call.state.group_roles.values()):
        if role["id"] in assigned:
            assigned.remove(role["id"])
    return {"object": "role.deleted", "id": role["id"], "deleted": True}


def _create_role_in(call: Call, table: dict[str, Entity], resource_type: str) -> Body:
    """Create a custom role in an organization's or a project's role table."""
    state, body = call.state, call.body
    if any(r["name"] == body["role_name"] for r in table.values()):
        raise bad_request(
            f"A role named '{body['role_name']}' already exists.",
            param="role_name",
            code="role_already_exists",
        )
    created = state.now()
    role = {
        "object": "role",
        "id": state.new_id("role_", 24),
        "name": body["role_name"],
        "description": body.get("description"),
        "permissions": list(body["permissions"]),
        "resource_type": resource_type,
        "predefined_role": False,
        "_created_at": created,
        "_updated_at": created,
        "_created_by": default_user(state)["id"],
    }
    table[role["id"]] = role
    return role_view(role)


def _update_role_in(call: Call, table: dict[str, Entity]) -> Body:
    role = _custom_role(call, table)
    for field, key in (("permissions", "permissions"), ("description", "description"), ("role_name", "name")):
        if call.body.get(field) is not None:
            role[key] = call.body[field]
    role["_updated_at"] = call.state.now()
    return role_view(role)


def _delete_role_in(call: Call, table: dict[str, Entity]) -> Entity:
    role = _custom_role(call, table)
    del table[role["id"]]
    return role


def _custom_role(call: Call, table: dict[str, Entity]) -> Entity:
    role = lookup(table, call.param("role_id"), "role", "role_id")
    if role["predefined_role"]:
        raise bad_request(
            f"Role '{role['id']}' is predefined and cannot be changed.",
            param="role_id",
            code="role_predefined",
        )
    return role


# --- project roles and role assignments (/projects/...) ------------------------------------


@handles("create-project-role")
def createproject_role(call: Call) -> Body:
    return _create_role_in(call, call.state.project_roles[project(call, writable=True)["id"]], "api.project")


@handles("update-project-role")
def updateproject_role(call: Call) -> Body:
    return _update_role_in(call, call.state.project_roles[project(call, writable=True)["id"]])


@handles("delete-project-role")
def deleteproject_role(call: Call) -> Body:
    pid = project(call, writable=True)["id"]
    role = _delete_role_in(call, call.state.project_roles[pid])
    for (owner_pid, _), assigned in (
        *call.state.project_user_roles.items(),
        *call.state.project_group_roles.items(),
    ):
        if owner_pid == pid and role["id"] in assigned:
            assigned.remove(role["id"])
    return {"object": "role.deleted", "id": role["id"], "deleted": True}


@handles("list-project-user-role-assignments")
def list_project_user_roles(call: Call) -> Body:
    pid, uid = project(call)["id"], project_member(call)["id"]
    return _assignments(call, pid, call.state.project_user_roles.get((pid, uid), []))


@handles("assign-project-user-role")
def assign_project_user_role(call: Call) -> Body:
    pid, uid = project(call, writable=True)["id"], project_member(call)["id"]
    role = project_role(call, pid, call.body["role_id"], "role_id")
    assigned = call.state.project_user_roles.setdefault((pid, uid), [])
    if role["id"] not in assigned:
        assigned.append(role["id"])
    return {"object": "user.role", "user": user_view(call.state, uid), "role": role_view(role)}


@handles("unassign-project-user-role")
def unassign_project_user_role(call: Call) -> Body:
    pid, uid = project(call, writable=True)["id"], project_member(call)["id"]
    _unassign(call.state.project_user_roles.get((pid, uid), []), call.param("role_id"))
    return {"object": "user.role.deleted", "deleted": True}


@handles("list-project-group-role-assignments")
def list_project_group_roles(call: Call) -> Body:
    pid, gid = project(call)["id"], _project_group(call)
    return _assignments(call, pid, call.state.project_group_roles.get((pid, gid), []))


@handles("assign-project-group-role")
def assign_project_group_role(call: Call) -> Body:
    pid, gid = project(call, writable=True)["id"], _project_group(call)
    role = project_role(call, pid, call.body["role_id"], "role_id")
    assigned = call.state.project_group_roles.setdefault((pid, gid), [])
    if role["id"] not in assigned:
        assigned.append(role["id"])
    return {"object": "group.role", "group": group_summary(call.state.groups[gid]), "role": role_view(role)}


@handles("unassign-project-group-role")
def unassign_project_group_role(call: Call) -> Body:
    pid, gid = project(call, writable=True)["id"], _project_group(call)
    _unassign(call.state.project_group_roles.get((pid, gid), []), call.param("role_id"))
    return {"object": "group.role.deleted", "deleted": True}


def _assignments(call: Call, pid: str, role_ids: list[str]) -> Body:
    roles = call.state.project_roles[pid]
    return cursor_page(
        call, [assigned_role_view(call.state, roles[r]) for r in role_ids if r in roles], style="next"
    )


def _project_group(call: Call) -> str:
    gid = call.param("group_id")
    if gid not in call.state.groups:
        raise not_found("group", gid, "group_id")
    return gid


def _unassign(assigned: list[str], role_id: str) -> None:
    if role_id not in assigned:
        raise ApiError(
            404, f"No role assignment found for role '{role_id}'.", param="role_id", code="not_found"
        )
    assigned.remove(role_id)
