"""The simulated org's seed data: deterministic, consistent, and big enough to page through."""

from __future__ import annotations

from apidrift.apis.openai_admin.simulator.seed import seeded_org
from apidrift.apis.openai_admin.simulator.state import NOW, T0, OrgState, redact


def _snapshot(state: OrgState) -> tuple[object, ...]:
    return (
        state.projects,
        state.users,
        state.invites,
        state.api_keys,
        state.groups,
        state.roles,
        state.audit_logs,
        state.admin_keys,
        state.certificates,
    )


def test_same_seed_same_org_different_seed_different_ids() -> None:
    assert _snapshot(seeded_org(1)) == _snapshot(seeded_org(1))
    assert list(seeded_org(1).projects) != list(seeded_org(2).projects)


def test_timestamps_are_fixed_not_wall_clock() -> None:
    state = seeded_org(0)
    stamps = [p["created_at"] for p in state.projects.values()] + [
        u["added_at"] for u in state.users.values()
    ]
    assert all(T0 <= t <= NOW for t in stamps)
    assert state.now() == NOW + 1 and state.now() == NOW + 2


def test_one_archived_project_and_enough_of_everything_for_several_pages() -> None:
    state = seeded_org(0)
    archived = [p for p in state.projects.values() if p["status"] == "archived"]
    assert len(archived) == 1 and archived[0]["archived_at"] is not None
    production = next(p["id"] for p in state.projects.values() if p["name"] == "Production")
    assert len(state.projects) >= 5 and len(state.users) >= 5 and len(state.invites) >= 5
    assert len(state.project_users[production]) >= 5
    assert len(state.api_keys[production]) >= 5 and len(state.rate_limits[production]) >= 5
    assert len(state.service_accounts[production]) >= 3 and len(state.certificates[production]) >= 3
    assert len(state.audit_logs) >= 20 and len(state.groups) >= 5


def test_api_keys_are_owned_by_project_users_and_service_accounts() -> None:
    state = seeded_org(0)
    for pid, keys in state.api_keys.items():
        for key in keys.values():
            owners = state.project_users[pid] if key["_owner_type"] == "user" else state.service_accounts[pid]
            assert key["_owner_id"] in owners
    production = next(p["id"] for p in state.projects.values() if p["name"] == "Production")
    assert {k["_owner_type"] for k in state.api_keys[production].values()} == {"user", "service_account"}


def test_references_between_entities_resolve() -> None:
    state = seeded_org(0)
    for gid, members in state.group_users.items():
        assert gid in state.groups and set(members) <= set(state.users)
    for uid, roles in state.user_roles.items():
        assert uid in state.users and all(r in state.roles for r in roles)
    for (pid, gid), roles in state.project_group_roles.items():
        assert gid in state.project_groups[pid]
        assert all(r in state.project_roles[pid] for r in roles)
    for invite in state.invites.values():
        assert all(grant["id"] in state.projects for grant in invite["projects"])


def test_secrets_are_generated_and_obviously_fake() -> None:
    state = seeded_org(0)
    secret = state.secret("sk-svcacct-")
    assert secret.startswith("sk-svcacct-apidrift-fake-") and len(secret) > 40
    assert redact(secret) == secret[:8] + "..." + secret[-4:]
    assert all(
        "apidrift-fake" not in k["redacted_value"] for keys in state.api_keys.values() for k in keys.values()
    )
