"""The seed data of the simulated org: the same seed gives the same org, byte for byte.

Eight users, six projects (one archived) with members, service accounts, API keys owned by both,
rate limits, certificates and roles; five groups with members and roles; invites, admin API keys,
thirty audit-log entries (usage and costs are the generic engine's aggregates).
"""

from __future__ import annotations

from typing import Final

from apidrift.apis.openai_admin.simulator.state import DAY, NOW, T0, Entity, OrgState, new_key, redact

FIRST: Final = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Radia", "Ken")
LAST: Final = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Perlman", "Thompson")
PROJECTS: Final = ("Default Project", "Production", "Staging", "Research", "Data Pipeline", "Legacy")
ARCHIVED_PROJECT: Final = "Legacy"
GROUPS: Final = (
    ("Engineering", False),
    ("Research", False),
    ("Finance", False),
    ("Platform", True),
    ("Support", False),
)
ORG_ROLES: Final = (
    ("owner", True, ["api.organization.admin"]),
    ("reader", True, ["api.organization.read"]),
    ("API Group Manager", False, ["api.groups.read", "api.groups.write"]),
    ("Usage Analyst", False, ["api.usage.read"]),
    ("Billing Viewer", False, ["api.billing.read"]),
)
PROJECT_ROLES: Final = (
    ("owner", True, ["api.project.admin"]),
    ("member", True, ["api.project.read", "api.project.write"]),
    ("Model Tuner", False, ["api.fine_tuning.write"]),
    ("Read Only", False, ["api.project.read"]),
)
RATE_LIMIT_MODELS: Final[tuple[tuple[str, int, int, dict[str, int]], ...]] = (
    ("gpt-4o", 10_000, 30_000_000, {"batch_1_day_max_input_tokens": 5_000_000_000}),
    ("gpt-4o-mini", 30_000, 150_000_000, {"batch_1_day_max_input_tokens": 15_000_000_000}),
    ("gpt-4.1", 10_000, 30_000_000, {"max_requests_per_1_day": 1_000_000}),
    ("o3", 10_000, 30_000_000, {}),
    ("text-embedding-3-small", 10_000, 10_000_000, {"max_requests_per_1_day": 10_000_000}),
    ("dall-e-3", 500, 0, {"max_images_per_1_minute": 50}),
    ("whisper-1", 500, 0, {"max_audio_megabytes_per_1_minute": 500}),
)


def seeded_org(seed: int = 0) -> OrgState:
    """A fresh org state filled with the seed data of `seed`."""
    state = OrgState(seed)
    _populate(state)
    return state


def _person(state: OrgState, i: int) -> tuple[str, str]:
    first, last = FIRST[i % len(FIRST)], LAST[i % len(LAST)]
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@example.com"


def _populate(state: OrgState) -> None:
    rng = state.rng
    for i in range(8):
        name, email = _person(state, i)
        uid = state.new_id("user-")
        added = T0 + i * 3 * DAY + rng.randrange(DAY)
        state.users[uid] = {
            "object": "organization.user",
            "id": uid,
            "name": name,
            "email": email,
            "role": "owner" if i < 2 else "reader",
            "added_at": added,
            "is_default": i == 0,
            "created": added - rng.randrange(30, 400) * DAY,
            "user": {
                "object": "user",
                "id": uid,
                "email": email,
                "name": name,
                "picture": None,
                "enabled": True,
                "banned": False,
                "banned_at": None,
            },
            "is_service_account": False,
            "is_scale_tier_authorized_purchaser": i == 0,
            "is_scim_managed": i in (5, 6),
            "api_key_last_used_at": None if i == 7 else NOW - rng.randrange(1, 20) * DAY,
            "technical_level": rng.choice(("beginner", "intermediate", "expert")),
            "developer_persona": rng.choice(("builder", "researcher", "operator", None)),
        }
        state.user_roles[uid] = []
    users = list(state.users)
    for i, name in enumerate(PROJECTS):
        pid = state.new_id("proj_", 24)
        created = T0 + i * 5 * DAY + rng.randrange(DAY)
        archived = name == ARCHIVED_PROJECT
        state.add_project(
            {
                "id": pid,
                "object": "organization.project",
                "name": name,
                "created_at": created,
                "archived_at": created + 20 * DAY if archived else None,
                "status": "archived" if archived else "active",
                "external_key_id": "ek_" + pid[5:17] if name == "Production" else None,
            }
        )
        members = users[: 5 if name == "Production" else 2 + i % 2]
        for j, uid in enumerate(members):
            user = state.users[uid]
            state.project_users[pid][uid] = {
                "object": "organization.project.user",
                "id": uid,
                "name": user["name"],
                "email": user["email"],
                "role": "owner" if j == 0 else "member",
                "added_at": created + j * 3600,
            }
        for model, rpm, tpm, extra in RATE_LIMIT_MODELS:
            rid = f"rl-{model}"
            state.rate_limits[pid][rid] = {
                "object": "project.rate_limit",
                "id": rid,
                "model": model,
                "max_requests_per_1_minute": rpm,
                "max_tokens_per_1_minute": tpm,
                **extra,
            }
        for role_name, predefined, perms in PROJECT_ROLES:
            _add_role(state, state.project_roles[pid], role_name, predefined, perms, "api.project", users[0])
        for k in range({"Production": 3, "Staging": 1, "Research": 1}.get(name, 0)):
            _seed_service_account(state, pid, f"{name} bot {k + 1}", created + (k + 1) * DAY)
        for uid in members[:3]:
            _seed_user_key(state, pid, uid)
        for k in range({"Production": 4, "Staging": 2, "Default Project": 1}.get(name, 0)):
            cid = state.new_id("cert_", 16)
            state.certificates[pid][cid] = {
                "object": "organization.project.certificate",
                "id": cid,
                "name": f"{name} mTLS CA {2025 + k}",
                "created_at": created + k * DAY,
                "certificate_details": {
                    "valid_at": created + k * DAY,
                    "expires_at": created + (k + 1) * 365 * DAY,
                },
                "active": k % 2 == 0,
            }
    for role_name, predefined, perms in ORG_ROLES:
        _add_role(state, state.roles, role_name, predefined, perms, "api.organization", users[0])
    org_roles = list(state.roles)
    for uid, role_id in zip(users, [org_roles[0], org_roles[0]] + [org_roles[1]] * 6, strict=True):
        state.user_roles[uid].append(role_id)
    state.user_roles[users[2]].append(org_roles[3])
    state.user_roles[users[3]].append(org_roles[4])
    for i, (gname, scim) in enumerate(GROUPS):
        gid = state.new_id("group_", 26)
        state.groups[gid] = {
            "id": gid,
            "name": gname,
            "created_at": T0 + (10 + i) * DAY,
            "is_scim_managed": scim,
            "group_type": "scim" if scim else "custom",
        }
        state.group_users[gid] = {
            uid: T0 + (11 + i) * DAY + k * 60
            for k, uid in enumerate(users[i : i + (5 if i == 0 else 2 + i % 2)])
        }
        state.group_roles[gid] = []
    groups = list(state.groups)
    state.group_roles[groups[0]] = [org_roles[2], org_roles[3]]
    state.group_roles[groups[1]] = [org_roles[3]]
    projects = list(state.projects)
    prod = projects[1]
    prod_roles = list(state.project_roles[prod])
    for k, gid in enumerate(groups[:3]):
        state.project_groups[prod][gid] = {"created_at": T0 + (20 + k) * DAY, "role": prod_roles[1]}
        state.project_group_roles[(prod, gid)] = [prod_roles[1]] + ([prod_roles[2]] if k == 0 else [])
    staging_member_role = list(state.project_roles[projects[2]])[1]
    state.project_groups[projects[2]][groups[0]] = {"created_at": T0 + 25 * DAY, "role": staging_member_role}
    state.project_group_roles[(projects[2], groups[0])] = [staging_member_role]
    for pid, project_members in state.project_users.items():
        roles = list(state.project_roles[pid])
        for uid, member in project_members.items():
            state.project_user_roles[(pid, uid)] = [roles[0] if member["role"] == "owner" else roles[1]]
    state.project_user_roles[(prod, users[1])].append(prod_roles[2])
    _seed_invites(state, projects)
    _seed_admin_keys(state, users)
    _seed_audit_logs(state)
    # Last, so every value drawn before stays as it was: the first listed project (where a sweep takes
    # its project ids from) holds a service account and a group too, so a sweep reaches every read.
    first, first_roles = projects[0], list(state.project_roles[projects[0]])
    _seed_service_account(state, first, "Default Bot", T0 + 30 * DAY)
    state.project_groups[first][groups[1]] = {"created_at": T0 + 31 * DAY, "role": first_roles[1]}
    state.project_group_roles[(first, groups[1])] = [first_roles[1]]


def _add_role(
    state: OrgState,
    table: dict[str, Entity],
    name: str,
    predefined: bool,
    perms: list[str],
    resource_type: str,
    creator: str,
) -> None:
    rid = state.new_id("role_", 24)
    created = T0 + state.rng.randrange(5 * DAY)
    table[rid] = {
        "object": "role",
        "id": rid,
        "name": name,
        "description": None if predefined else f"Custom role: {name}",
        "permissions": list(perms),
        "resource_type": resource_type,
        "predefined_role": predefined,
        "_created_at": None if predefined else created,
        "_updated_at": None if predefined else created + DAY,
        "_created_by": None if predefined else creator,
    }


def _seed_service_account(state: OrgState, pid: str, name: str, created: int) -> Entity:
    sid = state.new_id("svc_acct_", 20)
    account = {
        "object": "organization.project.service_account",
        "id": sid,
        "name": name,
        "role": "member",
        "created_at": created,
    }
    state.service_accounts[pid][sid] = account
    new_key(state, pid, "Secret Key", created, "service_account", sid)
    return account


def _seed_user_key(state: OrgState, pid: str, uid: str) -> None:
    member = state.project_users[pid][uid]
    new_key(state, pid, f"{member['name'].split()[0]}'s key", member["added_at"] + DAY, "user", uid)


def _seed_invites(state: OrgState, projects: list[str]) -> None:
    for i, status in enumerate(("pending", "accepted", "pending", "expired", "accepted", "pending")):
        iid = state.new_id("invite-", 16)
        created = T0 + (30 + i * 4) * DAY
        state.invites[iid] = {
            "object": "organization.invite",
            "id": iid,
            "email": f"invitee{i + 1}@example.com",
            "role": "reader" if i % 3 else "owner",
            "status": status,
            "created_at": created,
            "expires_at": created + 7 * DAY,
            "accepted_at": created + DAY if status == "accepted" else None,
            "projects": [{"id": projects[1 + i % 3], "role": "member"}] if i % 2 == 0 else [],
        }


def _seed_admin_keys(state: OrgState, users: list[str]) -> None:
    for i in range(4):
        owner = state.users[users[i % 2]]
        kid = state.new_id("key_", 16)
        created = T0 + (2 + i * 7) * DAY
        state.admin_keys[kid] = {
            "object": "organization.admin_api_key",
            "id": kid,
            "name": f"Admin key {i + 1}",
            "redacted_value": redact(state.secret("sk-admin-")),
            "created_at": created,
            "last_used_at": None if i == 3 else NOW - i * DAY,
            "owner": {
                "type": "user",
                "object": "organization.user",
                "id": owner["id"],
                "name": owner["name"],
                "created_at": owner["added_at"],
                "role": "owner",
            },
        }


_AUDIT_TYPES: Final = (
    "project.created",
    "user.added",
    "api_key.created",
    "invite.sent",
    "login.succeeded",
    "project.updated",
    "service_account.created",
    "group.created",
    "login.failed",
    "rate_limit.updated",
    "api_key.deleted",
    "project.archived",
)


def _seed_audit_logs(state: OrgState) -> None:
    users = list(state.users.values())
    projects = list(state.projects.values())
    for i in range(30):
        kind = _AUDIT_TYPES[i % len(_AUDIT_TYPES)]
        user, project = users[i % 4], projects[i % 5]
        target = state.new_id("", 12)
        payload: Entity = {
            "project.created": {
                "id": project["id"],
                "data": {"name": project["name"], "title": project["name"]},
            },
            "project.updated": {"id": project["id"], "changes_requested": {"title": project["name"]}},
            "project.archived": {"id": project["id"]},
            "user.added": {"id": user["id"], "data": {"role": "member"}},
            "api_key.created": {"id": "key_" + target, "data": {"scopes": ["api.model.request"]}},
            "api_key.deleted": {"id": "key_" + target},
            "invite.sent": {
                "id": "invite-" + target,
                "data": {"email": "someone@example.com", "role": "reader"},
            },
            "login.succeeded": {},
            "login.failed": {"error_code": "invalid_credentials", "error_message": "Wrong password."},
            "service_account.created": {"id": "svc_acct_" + target, "data": {"role": "member"}},
            "group.created": {"id": "group_" + target, "data": {"group_name": "Engineering"}},
            "rate_limit.updated": {
                "id": "rl-gpt-4o",
                "changes_requested": {"max_requests_per_1_minute": 500},
            },
        }[kind]
        actor: Entity = (
            {
                "type": "session",
                "session": {
                    "user": {"id": user["id"], "email": user["email"]},
                    "ip_address": f"203.0.113.{10 + i}",
                },
            }
            if i % 2 == 0
            else {
                "type": "api_key",
                "api_key": {
                    "id": "key_" + target,
                    "type": "user",
                    "user": {"id": user["id"], "email": user["email"]},
                },
            }
        )
        entry: Entity = {
            "id": f"audit_log-{target}",
            "type": kind,
            "effective_at": NOW - (i + 1) * 7200,
            "actor": actor,
            kind: payload,
        }
        if not kind.startswith("login."):
            entry["project"] = {"id": project["id"], "name": project["name"]}
        state.audit_logs[entry["id"]] = entry
