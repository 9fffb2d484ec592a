"""Query parsing, cursor pages and app construction, without a server."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import httpx
import pytest

from apidrift.apis.openai_admin.simulator import HANDLERS
from apidrift.apis.openai_admin.simulator.seed import seeded_org
from apidrift.contracts.model import ContractStore
from apidrift.simulator import MixError, SimulatorError, create_app
from apidrift.simulator.core import Call, cursor_page, parse_query
from apidrift.simulator.errors import ApiError

ITEMS = [{"id": f"item_{i}"} for i in range(5)]


def _call(store: ContractStore, op_id: str, raw: dict[str, list[str]]) -> Call:
    version = store.load("2026-05-02")
    op = version.operation(op_id)
    return Call(op, version, seeded_org(0), {}, parse_query(version, op, raw), {})


def test_query_values_are_typed_defaulted_and_checked(store: ContractStore) -> None:
    call = _call(
        store,
        "list-audit-logs",
        {"limit": ["3"], "event_types[]": ["project.created", "login.failed"], "effective_at[gte]": ["10"]},
    )
    assert call.query == {
        "limit": 3,
        "event_types": ["project.created", "login.failed"],
        "effective_at": {"gte": 10},
    }
    assert _call(store, "list-groups", {}).query == {"limit": 100, "order": "asc"}
    assert _call(store, "list-projects", {"include_archived": ["true"]}).query["include_archived"] is True
    with pytest.raises(ApiError, match="not an integer") as caught:
        _call(store, "list-projects", {"limit": ["two"]})
    assert caught.value.status == 400 and caught.value.param == "limit"
    with pytest.raises(ApiError, match="'nope' is not one of"):
        _call(store, "list-audit-logs", {"event_types[]": ["nope"]})
    with pytest.raises(ApiError, match="Missing required parameter: 'start_time'"):
        _call(store, "usage-costs", {})


def _page(store: ContractStore, raw: dict[str, list[str]], **kwargs: Any) -> dict[str, Any]:
    return cursor_page(_call(store, "list-groups", raw), ITEMS, **kwargs)


def test_cursor_pages_first_last_and_next(store: ContractStore) -> None:
    first = _page(store, {"limit": ["2"]})
    assert [i["id"] for i in first["data"]] == ["item_0", "item_1"]
    assert (first["first_id"], first["last_id"], first["has_more"]) == ("item_0", "item_1", True)
    last = _page(store, {"limit": ["2"], "after": ["item_3"]}, style="next")
    assert last == {"object": "list", "data": [{"id": "item_4"}], "has_more": False, "next": None}
    middle = _page(store, {"limit": ["2"], "after": ["item_1"]}, style="next")
    assert middle["next"] == "item_3" and middle["has_more"] is True
    desc = _page(store, {"limit": ["2"], "order": ["desc"]})
    assert [i["id"] for i in desc["data"]] == ["item_4", "item_3"]
    empty = _page(store, {"limit": ["0"]})
    assert empty["data"] == [] and empty["first_id"] is None and empty["has_more"] is True


def test_limit_is_clamped_to_the_documented_maximum(store: ContractStore) -> None:
    call = _call(store, "list-project-groups", {"limit": ["5000"]})
    many = [{"id": str(i)} for i in range(150)]
    assert len(cursor_page(call, many)["data"]) == 100


def test_unknown_cursor_is_a_400(store: ContractStore) -> None:
    with pytest.raises(ApiError, match="Invalid 'after' cursor") as caught:
        _page(store, {"after": ["item_99"]})
    assert caught.value.body()["error"]["param"] == "after"


def test_create_app_checks_its_inputs(store: ContractStore) -> None:
    app = create_app("2026-04-30", mix={"usage": "2026-05-02"}, store=store)
    sim = app.state.simulator
    routes = {r.op.id: r for r in sim.routes}
    assert routes["usage-costs"].version.version == "2026-05-02"
    assert routes["list-invites"].version.version == "2026-04-30"
    assert routes["retrieve-project-api-key"].op.path.endswith("{key_id}")
    assert len(routes) == 74
    with pytest.raises(MixError, match="unknown endpoint family 'bogus'"):
        create_app("2026-04-30", mix={"bogus": "2026-05-02"}, store=store)
    with pytest.raises(MixError, match="unknown version '1999-01-01' for family 'usage'"):
        create_app("2026-04-30", mix={"usage": "1999-01-01"}, store=store)
    with pytest.raises(SimulatorError, match="latency_ms"):
        create_app("2026-04-30", latency_ms=-1, store=store)


def test_routes_follow_the_version_path_templates(store: ContractStore) -> None:
    simulator = create_app("2026-05-02", store=store).state.simulator
    found = simulator.match("GET", "/v1/organization/projects/proj_1/api_keys/key_2")
    assert found is not None and found[0].op.id == "retrieve-project-api-key"
    assert found[1] == {"project_id": "proj_1", "api_key_id": "key_2"}


def test_a_handler_bug_is_still_a_well_formed_500(
    store: ContractStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(call: Call) -> dict[str, Any]:
        raise KeyError("oops")

    monkeypatch.setitem(HANDLERS, "list-projects", broken)
    app = create_app("2026-05-02", store=store)

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
            return await client.get("/v1/organization/projects", headers={"Authorization": "Bearer k"})

    response = asyncio.run(get())
    assert response.status_code == 500
    assert response.json()["error"] == {
        "message": "apidrift simulator bug: KeyError",
        "type": "server_error",
        "param": None,
        "code": None,
    }
    assert [(r.method, r.status) for r in app.state.simulator.requests] == [("GET", 500)]


def test_an_api_without_a_simulator_overlay_is_served_by_the_generic_engine() -> None:
    """A profile that names no simulator overlay is served from its contract alone, every operation."""
    from starlette.testclient import TestClient

    store = ContractStore()
    version = replace(store.load(store.newest()), api="petstore")
    app = create_app(version, store=store)
    sim = app.state.simulator
    assert sim.overlay.handlers == {}
    info = TestClient(app).get("/__apidrift__/info").json()
    assert info["generic"] == sorted(version.operations)


def test_a_header_auth_profile_is_asked_for_its_header() -> None:
    """Where the contract states no security, the simulator checks the key where the profile says it
    is sent (a contract's own security requirements come first: tests/e2e/test_simulator_any_api.py)."""
    from starlette.testclient import TestClient

    from apidrift.profiles.model import Auth, load_profile

    profile = load_profile().model_copy(update={"auth": Auth(scheme="header", header="x-api-key")})
    store = ContractStore()
    version = store.load(store.newest())
    silent = replace(
        version,
        operations={k: replace(op, security=None) for k, op in version.operations.items()},
        security_schemes={},
    )
    client = TestClient(create_app(silent, profile=profile, store=store))
    bearer = {"authorization": "Bearer " + "k" * 12}
    assert client.get("/v1/organization/projects", headers=bearer).status_code == 401
    assert client.get("/v1/organization/projects", headers={"x-api-key": "k" * 12}).status_code == 200
