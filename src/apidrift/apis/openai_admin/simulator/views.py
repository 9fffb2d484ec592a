"""Entity views: state entities composed into the 2026-05-02 response objects several handlers return."""

from __future__ import annotations

from typing import Any

from apidrift.apis.openai_admin.simulator.state import Entity, OrgState
from apidrift.simulator.core import public


def user_view(state: OrgState, uid: str) -> Entity:
    """An `OrganizationUser`, with the projects the user belongs to."""
    user: Entity = public(state.users[uid])
    user["projects"] = {
        "object": "list",
        "data": [{"id": p["id"], "name": p["name"], "role": m["role"]} for p, m in state.user_projects(uid)],
    }
    return user


def role_view(role: Entity) -> Entity:
    """A `Role` as the roles endpoints return it."""
    return {k: v for k, v in role.items() if not k.startswith("_")}


def assigned_role_view(state: OrgState, role: Entity) -> Entity:
    """An `AssignedRoleDetails` entry of a role-assignment list."""
    creator = state.users.get(role["_created_by"] or "")
    return {
        "id": role["id"],
        "name": role["name"],
        "permissions": list(role["permissions"]),
        "resource_type": role["resource_type"],
        "predefined_role": role["predefined_role"],
        "description": role["description"],
        "created_at": role["_created_at"],
        "updated_at": role["_updated_at"],
        "created_by": role["_created_by"],
        "created_by_user_obj": None
        if creator is None
        else {"id": creator["id"], "name": creator["name"], "email": creator["email"]},
        "metadata": {},
    }


def group_summary(group: Entity) -> Entity:
    """The `RoleAssignmentGroup` embedded in a group role assignment."""
    return {
        "object": "group",
        "id": group["id"],
        "name": group["name"],
        "created_at": group["created_at"],
        "scim_managed": group["is_scim_managed"],
    }


def api_key_view(state: OrgState, pid: str, key: Entity) -> Entity:
    """A `ProjectApiKey` with its owner as it is now (or as it was, if the owner is gone)."""
    out: dict[str, Any] = public(key)
    owner_id = key["_owner_id"]
    if key["_owner_type"] == "service_account":
        account = state.service_accounts.get(pid, {}).get(owner_id)
        out["owner"] = {
            "type": "service_account",
            "service_account": {
                "id": owner_id,
                "name": account["name"] if account else "deleted service account",
                "created_at": account["created_at"] if account else key["created_at"],
                "role": account["role"] if account else "member",
            },
        }
        return out
    member = state.project_users.get(pid, {}).get(owner_id)
    user = state.users.get(owner_id)
    out["owner"] = {
        "type": "user",
        "user": {
            "id": owner_id,
            "email": (member or user or {}).get("email"),
            "name": (member or user or {}).get("name"),
            "created_at": member["added_at"] if member else key["created_at"],
            "role": member["role"] if member else "member",
        },
    }
    return out


def project_group_view(state: OrgState, pid: str, gid: str) -> Entity:
    """A `ProjectGroup`: a group's access to a project."""
    group, access = state.groups[gid], state.project_groups[pid][gid]
    return {
        "object": "project.group",
        "project_id": pid,
        "group_id": gid,
        "group_name": group["name"],
        "group_type": group["group_type"],
        "created_at": access["created_at"],
    }


def group_user_view(state: OrgState, gid: str, uid: str) -> Entity:
    """An `OrganizationGroupUser`; `_role`/`_added_at` carry what 2026-04-30 also shows."""
    user = state.users[uid]
    return {
        "id": uid,
        "name": user["name"],
        "email": user["email"],
        "_role": user["role"],
        "_added_at": state.group_users[gid][uid],
    }


def default_user(state: OrgState) -> Entity:
    """The organization's default user: who owns what the admin API creates."""
    return next((u for u in state.users.values() if u["is_default"]), next(iter(state.users.values())))
