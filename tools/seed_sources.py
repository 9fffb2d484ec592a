"""Where each operation of the seed contracts is documented: the provenance stored in the contracts."""

from __future__ import annotations

from apidrift.apis.openai_admin import USAGE_OPERATIONS

SEED_DOCUMENTS = {
    "seed000": "../shared/seeds/000_6ef0c7ce3a70a92a.txt (openapi-generator Go docs, Projects API, {key_id})",
    "seed001": "../shared/seeds/001_b0bb1da555cd3f30.txt (openapi-generator TypeScript docs, Projects API)",
    "seed002": "../shared/seeds/002_046fcd984315470c.txt (official Go SDK reference, Projects, {api_key_id})",
    "seed003": "../shared/seeds/003_c4abb716ad4a88a7.txt (openapi-generator Rust docs, Project Groups API)",
    "seed004": "../shared/seeds/004_be95de43fcbcf7d0.txt (Admin API reference diff 2026-04-30 -> 2026-05-02)",
    "openapi": "../shared/openapi/openai-openapi-2026-05-13.yaml (official OpenAPI document)",
}

# Seed 004 sections (see seed004-catalog.md §1 and §5) in which each operation's page is visible.
_SEED004 = {
    "admin-api-keys-list": "1,3",
    "admin-api-keys-create": "1,2",
    "admin-api-keys-get": "1,4",
    "admin-api-keys-delete": "1",
    "list-audit-logs": "5,6",
    "list-groups": "7,9",
    "create-group": "7,8",
    "list-group-users": "7,10,11",
    "add-group-user": "7",
    "list-invites": "12,14",
    "inviteUser": "12,13",
    "retrieve-invite": "12,15",
    "delete-invite": "12",
    "list-projects": "16,18",
    "create-project": "16,17",
    "retrieve-project": "16,19",
    "modify-project": "16,20",
    "archive-project": "16",
    "list-project-users": "16,30,32",
    "create-project-user": "16,30,31",
    "retrieve-project-user": "16,30,33",
    "modify-project-user": "16,30,34",
    "delete-project-user": "16,30",
    "assign-project-user-role": "16,30,35",
    "unassign-project-user-role": "16,30",
    "list-project-service-accounts": "16,28,29",
    "list-project-api-keys": "16,21,23",
    "retrieve-project-api-key": "16,21,24",
    "delete-project-api-key": "16,21,22",
    "list-project-rate-limits": "16,27",
    "list-project-groups": "16,25,26",
    "add-project-group": "16,25",
    "listProjectCertificates": "16",
    "activateProjectCertificates": "16",
    "deactivateProjectCertificates": "16",
    "list-users": "37,38",
    "retrieve-user": "37,39",
    "modify-user": "37,40",
    "delete-user": "37",
    "assign-user-role": "37,41",
    "unassign-user-role": "37",
    **dict.fromkeys(USAGE_OPERATIONS, "36"),
}
# Operations of the openapi-generator Projects docs (seeds 000 and 001 list the same 19).
_SEED000_001 = {
    "archive-project",
    "create-project",
    "create-project-service-account",
    "create-project-user",
    "delete-project-api-key",
    "delete-project-service-account",
    "delete-project-user",
    "list-project-api-keys",
    "list-project-rate-limits",
    "list-project-service-accounts",
    "list-project-users",
    "list-projects",
    "modify-project",
    "modify-project-user",
    "retrieve-project",
    "retrieve-project-api-key",
    "retrieve-project-service-account",
    "retrieve-project-user",
    "update-project-rate-limits",
}
# Operations of the official Go SDK Projects reference (seed 002).
_SEED002 = _SEED000_001 | {
    "list-project-user-role-assignments",
    "assign-project-user-role",
    "unassign-project-user-role",
    "list-project-groups",
    "add-project-group",
    "remove-project-group",
    "list-project-group-role-assignments",
    "assign-project-group-role",
    "unassign-project-group-role",
    "list-project-roles",
    "create-project-role",
    "update-project-role",
    "delete-project-role",
    "listProjectCertificates",
    "activateProjectCertificates",
    "deactivateProjectCertificates",
}
_SEED003 = {"list-project-groups", "add-project-group", "remove-project-group"}
# Documented in the Admin API reference of seed 004's period but on no visible seed page; their shapes
# come from the OpenAPI document alone and are identical in both versions.
_OPENAPI_ONLY = {
    "update-group",
    "delete-group",
    "remove-group-user",
    "list-group-role-assignments",
    "assign-group-role",
    "unassign-group-role",
    "list-roles",
    "create-role",
    "update-role",
    "delete-role",
    "list-user-role-assignments",
}


def _sources(op_id: str) -> list[str]:
    found = []
    if op_id in _SEED004:
        found.append(f"seed004 §{_SEED004[op_id].replace(',', ',§')}")
    if op_id in _SEED000_001:
        found += ["seed000", "seed001"]
    if op_id in _SEED002:
        found.append("seed002")
    if op_id in _SEED003:
        found.append("seed003")
    found.append(f"openapi 2026-05-13 {op_id}")
    return found


OPERATION_SOURCES: dict[str, list[str]] = {
    op_id: _sources(op_id) for op_id in sorted(set(_SEED004) | _SEED002 | _SEED003 | _OPENAPI_ONLY)
}
