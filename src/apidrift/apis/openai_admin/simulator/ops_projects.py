"""Handlers of the project operations: projects, their users, service accounts, API keys, rate limits,
groups and certificates (2026-05-02 bodies)."""

from __future__ import annotations

from apidrift.apis.openai_admin.simulator.lookups import project, project_member, project_role
from apidrift.apis.openai_admin.simulator.registry import Body, Call, handles
from apidrift.apis.openai_admin.simulator.seed import PROJECT_ROLES, RATE_LIMIT_MODELS
from apidrift.apis.openai_admin.simulator.state import Entity, new_key
from apidrift.apis.openai_admin.simulator.views import (
    api_key_view,
    project_group_view,
)
from apidrift.simulator.core import cursor_page, lookup
from apidrift.simulator.errors import bad_request, not_found

# --- projects ------------------------------------------------------------------------------


@handles("create-project")
def create_project(call: Call) -> Body:
    state = call.state
    pid = state.new_id("proj_", 24)
    found = {
        "id": pid,
        "object": "organization.project",
        "name": call.body["name"],
        "created_at": state.now(),
        "archived_at": None,
        "status": "active",
        "external_key_id": call.body.get("external_key_id"),
    }
    state.add_project(found)
    for model, rpm, tpm, extra in RATE_LIMIT_MODELS:
        state.rate_limits[pid][f"rl-{model}"] = {
            "object": "project.rate_limit",
            "id": f"rl-{model}",
            "model": model,
            "max_requests_per_1_minute": rpm,
            "max_tokens_per_1_minute": tpm,
            **extra,
        }
    for name, predefined, perms in PROJECT_ROLES:
        if predefined:
            rid = state.new_id("role_", 24)
            state.project_roles[pid][rid] = {
                "object": "role",
                "id": rid,
                "name": name,
                "description": None,
                "permissions": list(perms),
                "resource_type": "api.project",
                "predefined_role": True,
                "_created_at": None,
                "_updated_at": None,
                "_created_by": None,
            }
    return found


@handles("archive-project")
def archive_project(call: Call) -> Body:
    found = project(call)
    if found["status"] != "archived":
        found["status"], found["archived_at"] = "archived", call.state.now()
    return found


# --- project users -------------------------------------------------------------------------


@handles("create-project-user")
def create_project_user(call: Call) -> Body:
    state, body = call.state, call.body
    pid = project(call, writable=True)["id"]
    if body.get("user_id") is not None:
        user = lookup(state.users, body["user_id"], "user", "user_id")
    elif body.get("email") is not None:
        by_email = next((u for u in state.users.values() if u["email"] == body["email"]), None)
        if by_email is None:
            raise not_found("user", body["email"], "email")
        user = by_email
    else:
        raise bad_request("Either 'user_id' or 'email' is required.", param="user_id")
    if user["id"] in state.project_users[pid]:
        raise bad_request(
            f"User '{user['id']}' is already a member of project '{pid}'.",
            param="user_id",
            code="user_already_member",
        )
    member = {
        "object": "organization.project.user",
        "id": user["id"],
        "name": user["name"],
        "email": user["email"],
        "role": body["role"],
        "added_at": state.now(),
    }
    state.project_users[pid][user["id"]] = member
    return member


@handles("delete-project-user")
def delete_project_user(call: Call) -> Body:
    member = project_member(call, writable=True)
    pid = call.param("project_id")
    del call.state.project_users[pid][member["id"]]
    call.state.project_user_roles.pop((pid, member["id"]), None)
    return {"object": "organization.project.user.deleted", "id": member["id"], "deleted": True}


# --- service accounts and API keys ---------------------------------------------------------


@handles("create-project-service-account")
def create_service_account(call: Call) -> Body:
    state = call.state
    pid = project(call, writable=True)["id"]
    created = state.now()
    account = {
        "object": "organization.project.service_account",
        "id": state.new_id("svc_acct_", 20),
        "name": call.body["name"],
        "role": "member",
        "created_at": created,
    }
    state.service_accounts[pid][account["id"]] = account
    key, secret = new_key(state, pid, "Secret Key", created, "service_account", account["id"])
    key["last_used_at"] = None
    # Shown once, on create: a generated, obviously fake `sk-svcacct-apidrift-fake-…` value.
    return {
        **account,
        "api_key": {
            "object": "organization.project.service_account.api_key",
            "value": secret,
            "name": key["name"],
            "created_at": created,
            "id": key["id"],
        },
    }


@handles("delete-project-service-account")
def delete_service_account(call: Call) -> Body:
    account = _account(call, writable=True)
    pid = call.param("project_id")
    del call.state.service_accounts[pid][account["id"]]
    keys = call.state.api_keys[pid]
    for kid in [k for k, v in keys.items() if v["_owner_id"] == account["id"]]:
        del keys[kid]
    return {"object": "organization.project.service_account.deleted", "id": account["id"], "deleted": True}


def _account(call: Call, *, writable: bool = False) -> Entity:
    pid = project(call, writable=writable)["id"]
    return lookup(
        call.state.service_accounts[pid],
        call.param("service_account_id"),
        "service account",
        "service_account_id",
    )


@handles("list-project-api-keys")
def list_api_keys(call: Call) -> Body:
    pid = project(call)["id"]
    return cursor_page(call, [api_key_view(call.state, pid, k) for k in call.state.api_keys[pid].values()])


@handles("retrieve-project-api-key")
def retrieve_api_key(call: Call) -> Body:
    pid = project(call)["id"]
    return api_key_view(call.state, pid, _key(call, pid))


@handles("delete-project-api-key")
def delete_api_key(call: Call) -> Body:
    pid = project(call, writable=True)["id"]
    key = _key(call, pid)
    if key["_owner_type"] == "service_account":
        # As documented: keys of service accounts go with their service account, not on their own.
        raise bad_request(
            f"API key '{key['id']}' belongs to a service account; delete the service account.",
            param="api_key_id",
            code="service_account_key",
        )
    del call.state.api_keys[pid][key["id"]]
    return {"object": "organization.project.api_key.deleted", "id": key["id"], "deleted": True}


def _key(call: Call, pid: str) -> Entity:
    kid = call.param("api_key_id", "key_id")
    return lookup(
        call.state.api_keys[pid], kid, "API key", "api_key_id" if "api_key_id" in call.params else "key_id"
    )


# --- rate limits, groups, certificates -----------------------------------------------------


@handles("list-project-groups")
def list_project_groups(call: Call) -> Body:
    pid = project(call)["id"]
    rows = [project_group_view(call.state, pid, gid) for gid in call.state.project_groups[pid]]
    return cursor_page(call, rows, style="next", key="group_id")


@handles("add-project-group")
def add_project_group(call: Call) -> Body:
    state = call.state
    pid = project(call, writable=True)["id"]
    gid = lookup(state.groups, call.body["group_id"], "group", "group_id")["id"]
    role = project_role(call, pid, call.body["role"], "role")
    if gid in state.project_groups[pid]:
        raise bad_request(
            f"Group '{gid}' already has access to project '{pid}'.",
            param="group_id",
            code="group_already_added",
        )
    state.project_groups[pid][gid] = {"created_at": state.now(), "role": role["id"]}
    state.project_group_roles.setdefault((pid, gid), []).append(role["id"])
    return project_group_view(state, pid, gid)


@handles("remove-project-group")
def remove_project_group(call: Call) -> Body:
    pid = project(call, writable=True)["id"]
    gid = call.param("group_id")
    if call.state.project_groups[pid].pop(gid, None) is None:
        raise not_found("project group", gid, "group_id")
    call.state.project_group_roles.pop((pid, gid), None)
    return {"object": "project.group.deleted", "deleted": True}


@handles("activateProjectCertificates", "deactivateProjectCertificates")
def toggle_certificates(call: Call) -> Body:
    pid = project(call, writable=True)["id"]
    active = call.op.id == "activateProjectCertificates"
    certs = [
        lookup(call.state.certificates[pid], cid, "certificate", "certificate_ids")
        for cid in call.body["certificate_ids"]
    ]
    for cert in certs:
        cert["active"] = active
    kind = "activation" if active else "deactivation"
    return {"object": f"organization.project.certificate.{kind}", "data": certs}
