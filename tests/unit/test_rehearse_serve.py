"""`apidrift serve --rehearse OLD`: the CLI plans the rehearsal and lists what it cannot show, the app
passes every rendered body through it, and `/__apidrift__/info` says what is rehearsed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import apidrift.simulator as simulator
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.contracts.operations import Operation, ResponseSpec
from apidrift.simulator import create_app
from apidrift.simulator.rehearse import RehearsalPlan
from cli_support import run_cli

OLD, NEW = "2026-04-30", "2026-05-02"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `serve` would have started (the server itself is not run)."""
    seen: dict[str, Any] = {}

    def fake_serve(version: str, **kwargs: Any) -> None:
        seen.update(kwargs, version=version)

    monkeypatch.setattr(simulator, "serve", fake_serve)
    return seen


def test_serve_rehearse_plans_the_rehearsal_and_says_what_it_alters(served: dict[str, Any]) -> None:
    result = run_cli("serve", "--version", NEW, "--rehearse", OLD)
    assert result.returncode == 0, result.stdout + result.stderr
    plan = served["rehearse"]
    plan = plan.plan
    assert isinstance(plan, RehearsalPlan) and (plan.old.version, plan.new.version) == (OLD, NEW)
    assert f"rehearsing {NEW} for clients of {OLD}: 109 alterations in 38 operations" in result.stdout
    assert "field-renamed 14" in result.stdout and "cannot be rehearsed: 0" in result.stdout


def test_serve_rehearse_lists_each_change_it_cannot_show(tmp_path: Path, served: dict[str, Any]) -> None:
    def version(label: str, statuses: tuple[str, ...]) -> ContractVersion:
        responses = {s: ResponseSpec(s, "ok", {"type": "object"}) for s in statuses}
        op = Operation("get-thing", "GET", "/things", "", (), None, responses)
        return ContractVersion("things", label, None, "", (), {op.id: op}, {})

    version("v1", ("200",)).write(tmp_path / "things" / "v1")
    version("v2", ("200", "202")).write(tmp_path / "things" / "v2")
    result = run_cli(
        "serve", "--api", "things", "--contracts", str(tmp_path), "--version", "v2", "--rehearse", "v1"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cannot be rehearsed: 1" in result.stdout
    assert "status-added get-thing 202: a new status, not a body" in result.stdout


def test_serve_rehearse_an_unknown_version_is_bad_input(served: dict[str, Any]) -> None:
    result = run_cli("serve", "--version", NEW, "--rehearse", "1999-01-01")
    assert result.returncode == 2
    assert "error:" in result.stderr + result.stdout and "1999-01-01" in result.stderr + result.stdout
    assert served == {}


def test_the_app_rehearses_every_rendered_body_and_says_so_in_info() -> None:
    store = ContractStore()
    app = create_app(NEW, rehearse=OLD, store=store)
    headers = {"Authorization": "Bearer sk-test-placeholder"}
    with TestClient(app, base_url="http://testserver") as client:
        info = client.get("/__apidrift__/info").json()
        body = client.get("/v1/organization/users", headers=headers).json()
    assert info["rehearsal"]["old"] == OLD and info["rehearsal"]["placements"]["became-optional"] == 57
    assert ResponseValidator(store.load(NEW)).is_valid("list-users", 200, body)
    refused = {v.field for v in ResponseValidator(store.load(OLD)).violations("list-users", 200, body)}
    assert {"data[].role", "data[].name", "first_id"} <= refused
    plain = create_app(NEW, store=store)
    with TestClient(plain, base_url="http://testserver") as client:
        assert "rehearsal" not in client.get("/__apidrift__/info").json()
        body = client.get("/v1/organization/users", headers=headers).json()
    assert ResponseValidator(store.load(OLD)).is_valid("list-users", 200, body)
