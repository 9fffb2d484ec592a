"""The operations each contract version documents, pinned so that nothing disappears silently."""

from __future__ import annotations

import pytest

from apidrift.contracts.model import ContractStore

# Every operation of seed 004's Admin API reference and of seeds 000-003 (see contract.json sources).
OPERATIONS_2026_05_02 = [
    ("admin-api-keys-list", "GET", "/organization/admin_api_keys"),
    ("admin-api-keys-create", "POST", "/organization/admin_api_keys"),
    ("admin-api-keys-delete", "DELETE", "/organization/admin_api_keys/{key_id}"),
    ("admin-api-keys-get", "GET", "/organization/admin_api_keys/{key_id}"),
    ("list-audit-logs", "GET", "/organization/audit_logs"),
    ("usage-costs", "GET", "/organization/costs"),
    ("list-groups", "GET", "/organization/groups"),
    ("create-group", "POST", "/organization/groups"),
    ("delete-group", "DELETE", "/organization/groups/{group_id}"),
    ("update-group", "POST", "/organization/groups/{group_id}"),
    ("list-group-role-assignments", "GET", "/organization/groups/{group_id}/roles"),
    ("assign-group-role", "POST", "/organization/groups/{group_id}/roles"),
    ("unassign-group-role", "DELETE", "/organization/groups/{group_id}/roles/{role_id}"),
    ("list-group-users", "GET", "/organization/groups/{group_id}/users"),
    ("add-group-user", "POST", "/organization/groups/{group_id}/users"),
    ("remove-group-user", "DELETE", "/organization/groups/{group_id}/users/{user_id}"),
    ("list-invites", "GET", "/organization/invites"),
    ("inviteUser", "POST", "/organization/invites"),
    ("delete-invite", "DELETE", "/organization/invites/{invite_id}"),
    ("retrieve-invite", "GET", "/organization/invites/{invite_id}"),
    ("list-projects", "GET", "/organization/projects"),
    ("create-project", "POST", "/organization/projects"),
    ("retrieve-project", "GET", "/organization/projects/{project_id}"),
    ("modify-project", "POST", "/organization/projects/{project_id}"),
    ("list-project-api-keys", "GET", "/organization/projects/{project_id}/api_keys"),
    ("delete-project-api-key", "DELETE", "/organization/projects/{project_id}/api_keys/{api_key_id}"),
    ("retrieve-project-api-key", "GET", "/organization/projects/{project_id}/api_keys/{api_key_id}"),
    ("archive-project", "POST", "/organization/projects/{project_id}/archive"),
    ("listProjectCertificates", "GET", "/organization/projects/{project_id}/certificates"),
    ("activateProjectCertificates", "POST", "/organization/projects/{project_id}/certificates/activate"),
    ("deactivateProjectCertificates", "POST", "/organization/projects/{project_id}/certificates/deactivate"),
    ("list-project-groups", "GET", "/organization/projects/{project_id}/groups"),
    ("add-project-group", "POST", "/organization/projects/{project_id}/groups"),
    ("remove-project-group", "DELETE", "/organization/projects/{project_id}/groups/{group_id}"),
    ("list-project-rate-limits", "GET", "/organization/projects/{project_id}/rate_limits"),
    ("update-project-rate-limits", "POST", "/organization/projects/{project_id}/rate_limits/{rate_limit_id}"),
    ("list-project-service-accounts", "GET", "/organization/projects/{project_id}/service_accounts"),
    ("create-project-service-account", "POST", "/organization/projects/{project_id}/service_accounts"),
    (
        "delete-project-service-account",
        "DELETE",
        "/organization/projects/{project_id}/service_accounts/{service_account_id}",
    ),
    (
        "retrieve-project-service-account",
        "GET",
        "/organization/projects/{project_id}/service_accounts/{service_account_id}",
    ),
    ("list-project-users", "GET", "/organization/projects/{project_id}/users"),
    ("create-project-user", "POST", "/organization/projects/{project_id}/users"),
    ("delete-project-user", "DELETE", "/organization/projects/{project_id}/users/{user_id}"),
    ("retrieve-project-user", "GET", "/organization/projects/{project_id}/users/{user_id}"),
    ("modify-project-user", "POST", "/organization/projects/{project_id}/users/{user_id}"),
    ("list-roles", "GET", "/organization/roles"),
    ("create-role", "POST", "/organization/roles"),
    ("delete-role", "DELETE", "/organization/roles/{role_id}"),
    ("update-role", "POST", "/organization/roles/{role_id}"),
    ("usage-audio-speeches", "GET", "/organization/usage/audio_speeches"),
    ("usage-audio-transcriptions", "GET", "/organization/usage/audio_transcriptions"),
    ("usage-code-interpreter-sessions", "GET", "/organization/usage/code_interpreter_sessions"),
    ("usage-completions", "GET", "/organization/usage/completions"),
    ("usage-embeddings", "GET", "/organization/usage/embeddings"),
    ("usage-images", "GET", "/organization/usage/images"),
    ("usage-moderations", "GET", "/organization/usage/moderations"),
    ("usage-vector-stores", "GET", "/organization/usage/vector_stores"),
    ("list-users", "GET", "/organization/users"),
    ("delete-user", "DELETE", "/organization/users/{user_id}"),
    ("retrieve-user", "GET", "/organization/users/{user_id}"),
    ("modify-user", "POST", "/organization/users/{user_id}"),
    ("list-user-role-assignments", "GET", "/organization/users/{user_id}/roles"),
    ("assign-user-role", "POST", "/organization/users/{user_id}/roles"),
    ("unassign-user-role", "DELETE", "/organization/users/{user_id}/roles/{role_id}"),
    ("list-project-group-role-assignments", "GET", "/projects/{project_id}/groups/{group_id}/roles"),
    ("assign-project-group-role", "POST", "/projects/{project_id}/groups/{group_id}/roles"),
    ("unassign-project-group-role", "DELETE", "/projects/{project_id}/groups/{group_id}/roles/{role_id}"),
    ("list-project-roles", "GET", "/projects/{project_id}/roles"),
    ("create-project-role", "POST", "/projects/{project_id}/roles"),
    ("delete-project-role", "DELETE", "/projects/{project_id}/roles/{role_id}"),
    ("update-project-role", "POST", "/projects/{project_id}/roles/{role_id}"),
    ("list-project-user-role-assignments", "GET", "/projects/{project_id}/users/{user_id}/roles"),
    ("assign-project-user-role", "POST", "/projects/{project_id}/users/{user_id}/roles"),
    ("unassign-project-user-role", "DELETE", "/projects/{project_id}/users/{user_id}/roles/{role_id}"),
]
# The only path difference between the versions (seed004-catalog §2): {key_id} -> {api_key_id}.
RENAMED_PATHS = {
    "retrieve-project-api-key": "/organization/projects/{project_id}/api_keys/{key_id}",
    "delete-project-api-key": "/organization/projects/{project_id}/api_keys/{key_id}",
}


def pinned(version: str) -> list[tuple[str, str, str]]:
    if version == "2026-05-02":
        return OPERATIONS_2026_05_02
    return [(op_id, method, RENAMED_PATHS.get(op_id, path)) for op_id, method, path in OPERATIONS_2026_05_02]


@pytest.mark.parametrize("label", ["2026-04-30", "2026-05-02"])
def test_operation_list_is_pinned(store: ContractStore, label: str) -> None:
    version = store.load(label)
    actual = sorted((op.id, op.method, op.path) for op in version.operations.values())
    assert actual == sorted(pinned(label))


def test_the_pin_covers_every_family_the_issue_names() -> None:
    paths = {path for _, _, path in OPERATIONS_2026_05_02}
    families = [
        "/organization/admin_api_keys",
        "/organization/audit_logs",
        "/organization/groups",
        "/organization/groups/{group_id}/users",
        "/organization/groups/{group_id}/roles",
        "/organization/invites",
        "/organization/projects",
        "/organization/projects/{project_id}/archive",
        "/organization/projects/{project_id}/users",
        "/projects/{project_id}/users/{user_id}/roles",
        "/organization/projects/{project_id}/service_accounts",
        "/organization/projects/{project_id}/api_keys",
        "/organization/projects/{project_id}/rate_limits",
        "/organization/projects/{project_id}/groups",
        "/projects/{project_id}/groups/{group_id}/roles",
        "/projects/{project_id}/roles",
        "/organization/projects/{project_id}/certificates",
        "/organization/roles",
        "/organization/users",
        "/organization/users/{user_id}/roles",
        "/organization/costs",
    ]
    assert [f for f in families if f not in paths] == []
    usage = sorted(p for p in paths if p.startswith("/organization/usage/"))
    assert len(usage) == 8


@pytest.mark.parametrize("label", ["2026-04-30", "2026-05-02"])
def test_every_operation_records_its_sources(store: ContractStore, label: str) -> None:
    version = store.load(label)
    for op in version.operations.values():
        assert any(s.startswith("openapi 2026-05-13") for s in op.sources), op.id
        assert op.responses, op.id
        assert all(p.required for p in op.path_params), op.id
        names = {p.name for p in op.path_params}
        assert names == {seg[1:-1] for seg in op.path.split("/") if seg.startswith("{")}, op.id


def test_error_responses_are_documented(store: ContractStore) -> None:
    version = store.load("2026-05-02")
    with_400 = sorted(op.id for op in version.operations.values() if "400" in op.responses)
    assert with_400 == sorted(
        [
            "modify-project",
            "delete-project-api-key",
            "update-project-rate-limits",
            "list-project-service-accounts",
            "create-project-service-account",
            "list-project-users",
            "create-project-user",
            "modify-project-user",
            "delete-project-user",
        ]
    )
    schema = version.operation("modify-project").responses["400"].schema
    assert schema == {"$ref": "schemas.json#/$defs/ErrorResponse"}
