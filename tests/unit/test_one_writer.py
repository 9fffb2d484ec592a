"""One writer per sandbox: two write runs on one sandbox, killed at any points, leave it exactly as it
was once both ledgers are cleaned up (a property over kill points, against the simulator in-process);
the lock, the open-ledger refusal and cleanup's respect for a running writer, one by one."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apidrift.apis.openai_admin.sandbox import SandboxWriter
from apidrift.apis.openai_admin.simulator.state import NOW
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.errors import SweepConfigError
from apidrift.live.cleanup import CompensationStatus, cleanup
from apidrift.live.client import LiveClient
from apidrift.live.exclusive import SandboxId, claim_sandbox, sandbox_free
from apidrift.live.ledger import Ledger
from apidrift.live.sweep import Sweep, SweepOptions
from apidrift.simulator import create_app

SANDBOX = "apidrift-sandbox"
KEY = "sk-admin-REDACTED"
BASE = "http://sim.test/v1"
STORE = ContractStore()
VERSION: ContractVersion = STORE.load("2026-05-02")
WRITES_IN_A_FULL_RUN = 9  # service account 2, rename 2, rate limit 2, role 3


class Killed(Exception):
    """The process running a sweep died: nothing it sends gets out any more."""


class Mortal(httpx.AsyncBaseTransport):
    """The simulator, in-process, behind a client that dies at its Nth write (before the server acts
    on it, or after), and tells `on_write` how many writes it has sent so far."""

    def __init__(self, app: Any, die_at: int | None, before: bool, on_write: Callable[[int], None]) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.die_at, self.before, self.on_write = die_at, before, on_write
        self.writes, self.dead = 0, False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.dead:
            raise Killed("dead")
        if request.method != "GET":
            self.writes += 1
            if self.writes == self.die_at and self.before:
                self.dead = True
                raise Killed(f"killed before write {self.writes}")
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if request.method != "GET":
            self.on_write(self.writes)
            if self.writes == self.die_at:
                self.dead = True
                raise Killed(f"killed after write {self.writes}")
        return response


@contextlib.contextmanager
def private_state() -> Iterator[None]:
    """A fresh state folder (ledger key, sandbox locks) for one example."""
    old = os.environ.get("APIDRIFT_STATE_DIR")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["APIDRIFT_STATE_DIR"] = folder
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("APIDRIFT_STATE_DIR", None)
            else:
                os.environ["APIDRIFT_STATE_DIR"] = old


async def sandbox_state(app: Any) -> dict[str, Any]:
    """Every project's name, and the sandbox's service accounts, roles and rate limits."""
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers=headers
    ) as client:
        projects = (await client.get("/organization/projects", params={"limit": 100})).json()["data"]
        state: dict[str, Any] = {"projects": sorted(p["name"] for p in projects)}
        pid = next(p["id"] for p in projects if p["name"].startswith(SANDBOX))
        for what, path in (
            ("service_accounts", f"/organization/projects/{pid}/service_accounts"),
            ("roles", f"/projects/{pid}/roles"),
            ("rate_limits", f"/organization/projects/{pid}/rate_limits"),
        ):
            body = (await client.get(path, params={"limit": 100})).json()
            state[what] = sorted(json.dumps(item, sort_keys=True) for item in body["data"])
        return state


def client(transport: httpx.AsyncBaseTransport | None = None, app: Any = None) -> LiveClient:
    return LiveClient(
        KEY,
        base_url=BASE,
        read_only=False,
        max_concurrency=1,
        transport=transport or httpx.ASGITransport(app=app),
    )


def write_run(transport: Mortal, ledger: Path, run_id: str) -> Sweep:
    options = SweepOptions(
        allow_writes=True,
        sandbox_project=SANDBOX,
        ledger_path=ledger,
        now=lambda: datetime.fromtimestamp(NOW, UTC),
    )
    return Sweep(client(transport), VERSION, options, run_id=run_id)


kill_point = st.one_of(st.none(), st.integers(1, WRITES_IN_A_FULL_RUN))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# The case: both killed just after lowering the rate limit (write 5), B started after A died,
# A's ledger cleaned first; without one writer per sandbox B ledgers A's 9999 as the original.
@example(die_a=5, die_b=5, before_a=False, before_b=False, b_starts_after=10, a_cleaned_first=True)
# A killed with the sandbox renamed (write 3): B must not take it for missing and make another.
@example(die_a=3, die_b=None, before_a=False, before_b=False, b_starts_after=10, a_cleaned_first=False)
# Truly concurrent: B starts after A's first write while A is still running.
@example(die_a=None, die_b=None, before_a=False, before_b=False, b_starts_after=1, a_cleaned_first=True)
@given(
    die_a=kill_point,
    die_b=kill_point,
    before_a=st.booleans(),
    before_b=st.booleans(),
    b_starts_after=st.integers(0, WRITES_IN_A_FULL_RUN + 1),
    a_cleaned_first=st.booleans(),
)
def test_two_write_runs_killed_anywhere_leave_the_sandbox_as_it_was_after_both_cleanups(
    tmp_path_factory: pytest.TempPathFactory,
    die_a: int | None,
    die_b: int | None,
    before_a: bool,
    before_b: bool,
    b_starts_after: int,
    a_cleaned_first: bool,
) -> None:
    folder = tmp_path_factory.mktemp("runs")
    ledgers = {"a": folder / "a.jsonl", "b": folder / "b.jsonl"}

    async def scenario() -> dict[str, Any]:
        app = create_app(VERSION, store=STORE)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as setup:
            headers = {"Authorization": f"Bearer {KEY}"}
            await setup.post("/organization/projects", json={"name": SANDBOX}, headers=headers)
        before = await sandbox_state(app)
        b_may_start = asyncio.Event()

        def a_wrote(count: int) -> None:
            if count >= b_starts_after:
                b_may_start.set()

        run_a = write_run(Mortal(app, die_a, before_a, a_wrote), ledgers["a"], "runa")
        run_b = write_run(Mortal(app, die_b, before_b, lambda _: None), ledgers["b"], "runb")

        async def a() -> None:
            try:
                await run_a.run()
            finally:
                b_may_start.set()  # A ended (or died) before writing that much: B goes now

        async def b() -> None:
            if b_starts_after:
                await b_may_start.wait()
            await run_b.run()

        outcomes = await asyncio.gather(a(), b(), return_exceptions=True)
        for outcome in outcomes:
            assert outcome is None or isinstance(outcome, (Killed, SweepConfigError)), outcome
        for name in ("a", "b") if a_cleaned_first else ("b", "a"):
            report = await cleanup(ledgers[name], client(app=app), SandboxWriter)
            assert report.remaining == 0, report.outcomes
        return {"before": before, "after": await sandbox_state(app)}

    with private_state():
        states = asyncio.run(scenario())
    assert states["after"] == states["before"]
    assert not any(path.exists() for path in ledgers.values())


# --- the pieces, one by one ---------------------------------------------------------------------


def sandbox_id() -> SandboxId:
    return SandboxId("openai-admin", BASE, SANDBOX)


def test_a_second_writer_is_refused_while_the_first_holds_the_sandbox(tmp_path: Path) -> None:
    with claim_sandbox(sandbox_id(), ledger=tmp_path / "a.jsonl", run_id="runa"):
        with (
            pytest.raises(SweepConfigError, match=r"another write run holds .*run runa.*a\.jsonl"),
            claim_sandbox(sandbox_id(), ledger=tmp_path / "b.jsonl", run_id="runb"),
        ):
            pass
        with sandbox_free(sandbox_id()) as free:
            assert free is False, "cleanup waits for a running writer too"
    with claim_sandbox(sandbox_id(), ledger=tmp_path / "b.jsonl", run_id="runb"):
        pass


def test_a_killed_runs_open_ledger_blocks_the_next_run_until_it_is_cleaned_up(tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    with claim_sandbox(sandbox_id(), ledger=first, run_id="runa"):
        entry = Ledger(first).add(
            run_id="runa", kind="rate_limit", base_url=BASE, api="openai-admin", sandbox=SANDBOX
        )
    # The first run is gone (its lock released) but its ledger still holds an entry.
    with (
        pytest.raises(SweepConfigError) as refused,
        claim_sandbox(sandbox_id(), ledger=tmp_path / "second.jsonl", run_id="runb"),
    ):
        pass
    assert f"apidrift cleanup --ledger {first.absolute()}" in str(refused.value)
    Ledger(first).remove(entry)
    with claim_sandbox(sandbox_id(), ledger=tmp_path / "second.jsonl", run_id="runb"):
        pass


def test_cleanup_refuses_entries_of_a_sandbox_a_write_run_is_using(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.add(
        run_id="runa",
        kind="project_name",
        base_url=BASE,
        api="openai-admin",
        sandbox=SANDBOX,
        params={"project_id": "proj_x"},
        original={"name": SANDBOX},
    )
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return httpx.Response(200, json={})

    live = LiveClient(KEY, base_url=BASE, read_only=False, transport=httpx.MockTransport(handler))
    with claim_sandbox(sandbox_id(), ledger=tmp_path / "other.jsonl", run_id="runb"):
        report = asyncio.run(
            cleanup(ledger.path, live, SandboxWriter, guard=lambda e: sandbox_free(sandbox_id()))
        )
    assert [o.status for o in report.outcomes] == [CompensationStatus.REFUSED]
    assert "is running" in report.outcomes[0].detail and sent == []
    assert len(ledger.entries()) == 1
