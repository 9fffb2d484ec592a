"""The split between the OpenAI overlay and the generic engine for the versions the overlay speaks:
the overlay keeps exactly the handlers of `kept.KEPT` (each with its reason), the engine serves every
other operation, and both answer from one org (the overlay's tables, its archived-project rule)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from apidrift.apis.openai_admin import USAGE_OPERATIONS
from apidrift.apis.openai_admin.simulator import OVERLAY
from apidrift.apis.openai_admin.simulator.kept import KEPT
from apidrift.contracts.model import ContractStore
from apidrift.simulator import create_app
from apidrift.simulator.core import Call
from apidrift.simulator.engine import Engine
from apidrift.simulator.errors import ApiError
from apidrift.simulator.resources import Kind

SEED_VERSIONS = ("2026-04-30", "2026-05-02")
PETSTORE = Path(__file__).resolve().parents[2] / "examples" / "petstore" / "contracts"
AUTH = {"Authorization": "Bearer sk-admin-REDACTED"}


def test_the_overlay_keeps_exactly_the_justified_handlers() -> None:
    assert set(OVERLAY.handlers) == set(KEPT)
    assert all(reason.strip() for reason in KEPT.values())


@pytest.mark.parametrize("label", SEED_VERSIONS)
def test_info_names_every_other_operation_as_served_generically(label: str, store: ContractStore) -> None:
    version = store.load(label)
    assert set(KEPT) <= set(version.operations), "a kept handler for an operation the version lacks"
    info = TestClient(create_app(label, store=store)).get("/__apidrift__/info").json()
    assert info["generic"] == sorted(set(version.operations) - set(KEPT))
    assert {"admin-api-keys-get", "list-project-rate-limits", "modify-project"} <= set(info["generic"])
    # what the engine learned from documented parameters and the diff's renames (issue #18)
    learned = {
        "list-audit-logs",
        "list-projects",
        "listProjectCertificates",
        "list-invites",
        "retrieve-invite",
    }
    assert learned | set(USAGE_OPERATIONS) <= set(info["generic"])


def _client(label: str) -> TestClient:
    return TestClient(create_app(label), headers=AUTH)


def _projects(c: TestClient) -> list[dict[str, Any]]:
    listed = c.get("/v1/organization/projects", params={"include_archived": "true", "limit": 100})
    rows: list[dict[str, Any]] = listed.json()["data"]
    return rows


@pytest.mark.parametrize("label", SEED_VERSIONS)
def test_handlers_and_the_engine_answer_from_one_org(label: str) -> None:
    c = _client(label)
    live = next(p["id"] for p in _projects(c) if p["status"] == "active")
    # kept handler creates (the key shown once), the engine reads and deletes it
    key = c.post("/v1/organization/admin_api_keys", json={"name": "ci"}).json()
    got = c.get(f"/v1/organization/admin_api_keys/{key['id']}").json()
    assert got["name"] == "ci" and "value" not in got
    deleted = c.delete(f"/v1/organization/admin_api_keys/{key['id']}").json()
    # 2026-04-30 leaves `object` optional: the documented example's value is kept
    assert deleted == {"id": key["id"], "object": "organization.admin_api_key.deleted", "deleted": True}
    assert c.get(f"/v1/organization/admin_api_keys/{key['id']}").status_code == 404
    account = c.post(f"/v1/organization/projects/{live}/service_accounts", json={"name": "bot"}).json()
    listed = c.get(f"/v1/organization/projects/{live}/service_accounts", params={"limit": 100}).json()
    assert account["id"] in [a["id"] for a in listed["data"]]
    # the engine writes, a kept handler reads it back
    assert c.post(f"/v1/organization/projects/{live}", json={"name": "Renamed"}).json()["name"] == "Renamed"
    assert next(p["name"] for p in _projects(c) if p["id"] == live) == "Renamed"
    # a project a kept handler creates has the tables the engine then serves
    made = c.post("/v1/organization/projects", json={"name": "New"}).json()["id"]
    assert c.get(f"/v1/projects/{made}/roles").json()["data"], "its predefined roles"
    assert c.get(f"/v1/organization/projects/{made}/rate_limits").json()["data"]


@pytest.mark.parametrize("label", SEED_VERSIONS)
def test_the_overlay_rules_hold_for_generically_served_operations(label: str) -> None:
    c = _client(label)
    archived = next(p["id"] for p in _projects(c) if p["status"] == "archived")
    limit = c.get(f"/v1/organization/projects/{archived}/rate_limits").json()["data"][0]["id"]
    refused = c.post(
        f"/v1/organization/projects/{archived}/rate_limits/{limit}", json={"max_requests_per_1_minute": 1}
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "project_archived"
    unknown = c.get("/v1/projects/proj_nope/roles")
    assert unknown.status_code == 404 and unknown.json()["error"]["param"] == "project_id"


def test_an_engine_given_tables_reads_and_writes_them_only_when_shared() -> None:
    version = ContractStore(PETSTORE, api="petstore").load("2025-07-01")
    engine = Engine([version], 0, lambda: 1_800_000_000, tables=lambda state, path, parents: state.get(path))
    model = engine.models[version.version]
    pets = model.resources.collections["/pets"]
    pet = {**model.forge.generate(model.entity_schema(pets), "pet"), "id": "pet_shared"}
    state: dict[str, dict[str, dict[str, Any]]] = {"/pets": {"pet_shared": pet}}
    ops = {model.resources.roles[op].kind: version.operations[op] for op in pets.ops.values()}

    def call(kind: Kind, params: dict[str, str], shared: bool) -> Any:
        made = Call(ops[kind], version, state, params, {"limit": 100}, {})
        return engine.answer(made, shared=shared).body

    assert call(Kind.RETRIEVE, {"pet_id": "pet_shared"}, shared=True)["id"] == "pet_shared"
    with pytest.raises(ApiError):  # the engine's own pets, when not shared
        call(Kind.RETRIEVE, {"pet_id": "pet_shared"}, shared=False)
    call(Kind.DELETE, {"pet_id": "pet_shared"}, shared=True)
    assert state["/pets"] == {}
