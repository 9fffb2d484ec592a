"""Handlers of the organization-level operations: admin API keys, audit logs, invites, users and groups
with their role assignments (each returns the 2026-05-02 body; the renderer adapts it per version)."""

from __future__ import annotations

from apidrift.apis.openai_admin.simulator.registry import Body, Call, handles
from apidrift.apis.openai_admin.simulator.state import Entity, redact
from apidrift.apis.openai_admin.simulator.views import (
    assigned_role_view,
    default_user,
    group_summary,
    group_user_view,
    role_view,
    user_view,
)
from apidrift.simulator.core import cursor_page, lookup, public
from apidrift.simulator.errors import bad_request, not_found

# --- admin API keys ------------------------------------------------------------------------


@handles("admin-api-keys-create")
def create_admin_key(call: Call) -> Body:
    state = call.state
    owner = default_user(state)
    secret = state.secret("sk-admin-")
    key = {
        "object": "organization.admin_api_key",
        "id": state.new_id("key_", 16),
        "name": call.body["name"],
        "redacted_value": redact(secret),
        "created_at": state.now(),
        "last_used_at": None,
        "owner": {
            "type": "user",
            "object": "organization.user",
            "id": owner["id"],
            "name": owner["name"],
            "created_at": owner["added_at"],
            "role": "owner",
        },
    }
    state.admin_keys[key["id"]] = key
    # The only response that shows the secret: it is generated, and shown once, like the real one.
    shown: Body = {**public(key), "value": secret}
    return shown


# --- invites -------------------------------------------------------------------------------


@handles("inviteUser")
def invite_user(call: Call) -> Body:
    state, body = call.state, call.body
    email = body["email"]
    if any(u["email"] == email for u in state.users.values()):
        raise bad_request(
            f"User with email '{email}' is already a member of this organization.",
            param="email",
            code="user_already_exists",
        )
    projects = body.get("projects")
    if projects is None:
        default = next(iter(state.projects))
        projects = [{"id": default, "role": "member"}]
    for i, grant in enumerate(projects):
        if grant["id"] not in state.projects:
            raise not_found("project", grant["id"], f"projects[{i}].id")
    created = state.now()
    invite = {
        "object": "organization.invite",
        "id": state.new_id("invite-", 16),
        "email": email,
        "role": body["role"],
        "status": "pending",
        "created_at": created,
        "expires_at": created + 7 * 86_400,
        "accepted_at": None,
        "projects": [{"id": g["id"], "role": g["role"]} for g in projects],
    }
    state.invites[invite["id"]] = invite
    return invite


# --- users and their roles -----------------------------------------------------------------


@handles("list-users")
def list_users(call: Call) -> Body:
    emails = call.query.get("emails")
    rows = [
        user_view(call.state, uid)
        for uid, u in call.state.users.items()
        if not emails or u["email"] in emails
    ]
    return cursor_page(call, rows)


@handles("retrieve-user")
def retrieve_user(call: Call) -> Body:
    return user_view(call.state, _user(call)["id"])


@handles("modify-user")
def modify_user(call: Call) -> Body:
    user = _user(call)
    body = call.body
    if body.get("role_id") is not None:
        role = lookup(call.state.roles, body["role_id"], "role", "role_id")
        if role["id"] not in call.state.user_roles[user["id"]]:
            call.state.user_roles[user["id"]].append(role["id"])
    for field in ("role", "technical_level", "developer_persona"):
        if body.get(field) is not None:
            user[field] = body[field]
    return user_view(call.state, user["id"])


@handles("delete-user")
def delete_user(call: Call) -> Body:
    state, user = call.state, _user(call)
    uid = user["id"]
    del state.users[uid]
    state.user_roles.pop(uid, None)
    for project_members in state.project_users.values():
        project_members.pop(uid, None)
    for group_members in state.group_users.values():
        group_members.pop(uid, None)
    for key in [k for k in state.project_user_roles if k[1] == uid]:
        del state.project_user_roles[key]
    return {"object": "organization.user.deleted", "id": uid, "deleted": True}


@handles("list-user-role-assignments")
def list_user_roles(call: Call) -> Body:
    uid = _user(call)["id"]
    rows = [assigned_role_view(call.state, call.state.roles[r]) for r in call.state.user_roles[uid]]
    return cursor_page(call, rows, style="next")


@handles("assign-user-role")
def assign_user_role(call: Call) -> Body:
    uid = _user(call)["id"]
    role = lookup(call.state.roles, call.body["role_id"], "organization role", "role_id")
    if role["id"] not in call.state.user_roles[uid]:
        call.state.user_roles[uid].append(role["id"])
    return {"object": "user.role", "user": user_view(call.state, uid), "role": role_view(role)}


@handles("unassign-user-role")
def unassign_user_role(call: Call) -> Body:
    uid = _user(call)["id"]
    _unassign(call.state.user_roles[uid], call.param("role_id"))
    return {"object": "user.role.deleted", "deleted": True}


def _user(call: Call) -> Entity:
    return lookup(call.state.users, call.param("user_id"), "user", "user_id")


def _unassign(assigned: list[str], role_id: str) -> None:
    if role_id not in assigned:
        raise not_found("role assignment", role_id, "role_id")
    assigned.remove(role_id)


# --- groups, their users and roles ---------------------------------------------------------


@handles("create-group")
def create_group(call: Call) -> Body:
    state = call.state
    group = {
        "id": state.new_id("group_", 26),
        "name": call.body["name"],
        "created_at": state.now(),
        "is_scim_managed": False,
        "group_type": "custom",
    }
    state.groups[group["id"]] = group
    state.group_users[group["id"]] = {}
    state.group_roles[group["id"]] = []
    return group


@handles("delete-group")
def delete_group(call: Call) -> Body:
    state, gid = call.state, _group(call)["id"]
    del state.groups[gid]
    state.group_users.pop(gid, None)
    state.group_roles.pop(gid, None)
    for access in state.project_groups.values():
        access.pop(gid, None)
    for key in [k for k in state.project_group_roles if k[1] == gid]:
        del state.project_group_roles[key]
    return {"object": "group.deleted", "id": gid, "deleted": True}


@handles("list-group-users")
def list_group_users(call: Call) -> Body:
    gid = _group(call)["id"]
    rows = [group_user_view(call.state, gid, uid) for uid in call.state.group_users[gid]]
    return cursor_page(call, rows, style="next", default_order="desc")


@handles("add-group-user")
def add_group_user(call: Call) -> Body:
    gid = _group(call)["id"]
    uid = lookup(call.state.users, call.body["user_id"], "user", "user_id")["id"]
    call.state.group_users[gid].setdefault(uid, call.state.now())
    return {"object": "group.user", "user_id": uid, "group_id": gid}


@handles("remove-group-user")
def remove_group_user(call: Call) -> Body:
    gid = _group(call)["id"]
    uid = call.param("user_id")
    if call.state.group_users[gid].pop(uid, None) is None:
        raise not_found("group member", uid, "user_id")
    return {"object": "group.user.deleted", "deleted": True}


@handles("list-group-role-assignments")
def list_group_roles(call: Call) -> Body:
    gid = _group(call)["id"]
    rows = [assigned_role_view(call.state, call.state.roles[r]) for r in call.state.group_roles[gid]]
    return cursor_page(call, rows, style="next")


@handles("assign-group-role")
def assign_group_role(call: Call) -> Body:
    group = _group(call)
    role = lookup(call.state.roles, call.body["role_id"], "organization role", "role_id")
    if role["id"] not in call.state.group_roles[group["id"]]:
        call.state.group_roles[group["id"]].append(role["id"])
    return {"object": "group.role", "group": group_summary(group), "role": role_view(role)}


@handles("unassign-group-role")
def unassign_group_role(call: Call) -> Body:
    _unassign(call.state.group_roles[_group(call)["id"]], call.param("role_id"))
    return {"object": "group.role.deleted", "deleted": True}


def _group(call: Call) -> Entity:
    return lookup(call.state.groups, call.param("group_id"), "group", "group_id")
