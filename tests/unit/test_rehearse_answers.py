"""What a running rehearsal alters besides success bodies, and what it keeps: documented error bodies
(a changed error shape is rehearsed like any response), families a `--mix` answers as another version
(rehearsed against that version, for clients of the same old one), and `reset` (the turns start again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import apidrift.simulator as simulator
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.contracts.operations import Operation, Parameter, ResponseSpec
from apidrift.simulator import create_app
from apidrift.simulator.rehearse import Rehearsal, apply, plan_rehearsal
from cli_support import run_cli

OLD, NEW = "2026-04-30", "2026-05-02"
HEADERS = {"Authorization": "Bearer sk-test-placeholder"}
THING = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
    "required": ["id", "name"],
}


def error_schema(*, nullable_type: bool, message_required: bool) -> dict[str, Any]:
    """`{"error": {"message", "type"}}`: the new version lets `type` be null and `message` be absent."""
    kind: dict[str, Any] = {"type": ["string", "null"]} if nullable_type else {"type": "string"}
    detail = {
        "type": "object",
        "properties": {"message": {"type": "string"}, "type": kind},
        "required": ["message", "type"] if message_required else ["type"],
    }
    return {"type": "object", "properties": {"error": detail}, "required": ["error"]}


def things(label: str, *, old: bool) -> ContractVersion:
    """Retrieve documents its 404; delete documents only a 400 (its 404 takes that shape)."""
    error = error_schema(nullable_type=not old, message_required=old)
    thing_id = Parameter("thing_id", "path", True, {"type": "string"})
    ops = [
        Operation("list-things", "GET", "/things", "", (), None, {"200": ResponseSpec("200", "ok", {
            "type": "object", "properties": {"data": {"type": "array", "items": THING}}, "required": ["data"]
        })}),
        Operation("get-thing", "GET", "/things/{thing_id}", "", (thing_id,), None, {
            "200": ResponseSpec("200", "ok", THING), "404": ResponseSpec("404", "no such thing", error)
        }),
        Operation("delete-thing", "DELETE", "/things/{thing_id}", "", (thing_id,), None, {
            "200": ResponseSpec("200", "ok", {"type": "object"}), "400": ResponseSpec("400", "bad", error)
        }),
    ]  # fmt: skip
    return ContractVersion("things", label, None, "", (), {op.id: op for op in ops}, {})


@pytest.fixture
def store(tmp_path: Path) -> ContractStore:
    things("v1", old=True).write(tmp_path / "things" / "v1")
    things("v2", old=False).write(tmp_path / "things" / "v2")
    return ContractStore(tmp_path, "things")


def test_a_documented_error_whose_shape_changed_is_rehearsed(store: ContractStore) -> None:
    old, new = store.load("v1"), store.load("v2")
    plan = plan_rehearsal(new, old)
    assert {p.path for p in plan.placements[("get-thing", "404")]} == {"error.message", "error.type"}
    with TestClient(create_app("v2", store=store), base_url="http://t") as client:
        plain = client.get("/v1/things/thing_missing", headers=HEADERS)
    with TestClient(create_app("v2", store=store, rehearse="v1"), base_url="http://t") as client:
        first = client.get("/v1/things/thing_missing", headers=HEADERS)
        second = client.get("/v1/things/thing_missing", headers=HEADERS)
    assert plain.status_code == first.status_code == second.status_code == 404
    new_check, old_check = ResponseValidator(new), ResponseValidator(old)
    assert new_check.is_valid("get-thing", 404, plain.json())
    assert old_check.is_valid("get-thing", 404, plain.json())
    for body in (first.json(), second.json()):
        assert new_check.is_valid("get-thing", 404, body)
        assert not old_check.is_valid("get-thing", 404, body)
    assert "message" not in first.json()["error"] and first.json()["error"]["type"] is None


def test_an_error_answered_in_another_status_shape_is_rehearsed_as_that_status(store: ContractStore) -> None:
    """Delete documents only a 400; its 404 for an unknown id has that shape, and is rehearsed as it."""
    with TestClient(create_app("v2", store=store), base_url="http://t") as client:
        plain = client.delete("/v1/things/thing_missing", headers=HEADERS)
    with TestClient(create_app("v2", store=store, rehearse="v1"), base_url="http://t") as client:
        rehearsed = client.delete("/v1/things/thing_missing", headers=HEADERS)
    assert plain.status_code == rehearsed.status_code == 404
    old_check = ResponseValidator(store.load("v1"))
    assert old_check.is_valid("delete-thing", 400, plain.json())
    assert ResponseValidator(store.load("v2")).is_valid("delete-thing", 400, rehearsed.json())
    assert not old_check.is_valid("delete-thing", 400, rehearsed.json())


def test_an_error_documented_under_its_own_status_is_never_rehearsed_as_another() -> None:
    """The 400's shape changed, the 404's did not: a 404 stays as it is even when it fits the 400's
    schema too; a 409, undocumented, is rehearsed as the 400 it is shaped as."""

    def pair(label: str, *, old: bool) -> ContractVersion:
        error = error_schema(nullable_type=not old, message_required=old)
        responses = {
            "200": ResponseSpec("200", "ok", THING),
            "400": ResponseSpec("400", "bad", error),
            "404": ResponseSpec("404", "none", {"type": "object"}),
        }
        op = Operation("get-thing", "GET", "/things/{thing_id}", "", (), None, responses)
        return ContractVersion("things", label, None, "", (), {op.id: op}, {})

    plan = plan_rehearsal(pair("v2", old=False), pair("v1", old=True))
    body = {"error": {"message": "No such thing.", "type": "invalid_request_error"}}
    assert apply(plan, "get-thing", 404, body) == body
    assert apply(plan, "get-thing", 409, body) != body
    assert ResponseValidator(plan.new).is_valid("get-thing", 400, apply(plan, "get-thing", 409, body))


def test_a_family_mixed_into_another_version_is_rehearsed_against_that_version() -> None:
    """Served as the old version with `projects` answered as the new: only that family changes for
    clients of the old version, and the rehearsal shows it there (it used to leave it alone)."""
    store = ContractStore()
    old = store.load(OLD)
    mixed = create_app(OLD, mix={"projects": NEW}, rehearse=OLD, store=store)
    plain = create_app(OLD, mix={"projects": NEW}, store=store)
    bodies: dict[str, list[Any]] = {"plain": [], "rehearsed": []}
    for name, app in (("plain", plain), ("rehearsed", mixed)):
        with TestClient(app, base_url="http://t") as client:
            info = client.get("/__apidrift__/info").json()
            for _ in range(3):  # enough turns for each alternative at `status` (left out, another value)
                bodies[name].append(client.get("/v1/organization/projects", headers=HEADERS).json())
            bodies[name].append(client.get("/v1/organization/users", headers=HEADERS).json())
    assert info["rehearsal"]["placements"] == {}  # the old version for its own clients: nothing
    assert info["rehearsal"]["mixed"][NEW]["placements"]["type-changed"] > 0
    old_check, new_check = ResponseValidator(old), ResponseValidator(store.load(NEW))
    assert all(old_check.is_valid("list-projects", 200, b) for b in bodies["plain"][:3])
    refused = set()
    for body in bodies["rehearsed"][:3]:
        assert new_check.is_valid("list-projects", 200, body)
        refused |= {v.field for v in old_check.violations("list-projects", 200, body)}
    assert {"data[].status", "data[].name"} <= refused
    assert bodies["rehearsed"][3] == bodies["plain"][3]  # a family of the old version: as it is


def test_rehearsal_of_plans_each_version_answered_as_once() -> None:
    store = ContractStore()
    old, new = store.load(OLD), store.load(NEW)
    rehearsal = Rehearsal.of(plan_rehearsal(new, old), [old, new, old])
    assert sorted(rehearsal.plans) == [OLD, NEW] and rehearsal.plans[NEW] is rehearsal.plan
    assert rehearsal.covering([old, new]) is rehearsal
    assert rehearsal.plans[OLD].placements == {}


def test_a_plan_for_another_version_still_rehearses_the_version_served() -> None:
    """Handed a plan made for another served version, the app plans the one it serves as well."""
    store = ContractStore()
    old, new = store.load(OLD), store.load(NEW)
    app = create_app(OLD, rehearse=plan_rehearsal(new, old), store=store)
    assert sorted(app.state.simulator.transform.plans) == [OLD, NEW]


def test_reset_starts_the_rehearsal_turns_again() -> None:
    """Three answers (turns 0, 1, 2 of two alternatives at `data[].role`), a reset, and the next is
    turn 0 again (without the reset it would be turn 3, the second alternative)."""
    app = create_app(NEW, rehearse=OLD)
    with TestClient(app, base_url="http://t") as client:
        before = [client.get("/v1/organization/users", headers=HEADERS).json() for _ in range(3)]
        assert before[0] != before[1] and before[0] == before[2]
        assert client.post("/__apidrift__/reset").status_code == 200
        after = client.get("/v1/organization/users", headers=HEADERS).json()
    assert after == before[0]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(simulator, "serve", lambda version, **kwargs: seen.update(kwargs, version=version))
    return seen


def test_serve_prints_the_rehearsal_of_each_version_a_mix_answers_as(served: dict[str, Any]) -> None:
    result = run_cli("serve", "--version", OLD, "--mix", f"projects={NEW}", "--rehearse", OLD)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"rehearsing {OLD} for clients of {OLD}: 0 alterations" in result.stdout
    assert f"rehearsing {NEW} for clients of {OLD}: 109 alterations in 38 operations" in result.stdout
    rehearsal = served["rehearse"]
    assert isinstance(rehearsal, Rehearsal) and sorted(rehearsal.plans) == [OLD, NEW]
