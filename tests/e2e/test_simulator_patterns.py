"""The simulator over real HTTP validates request bodies with the linear-time regex engine, off the
event loop and within a time budget: a pathological pattern is answered at once, a slow validation
never stalls other requests, `\\p{Lu}` works, and a pattern the engine cannot run is never a 500."""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from apidrift.contracts.model import ContractStore, ContractVersion
from conftest import RunningSimulator, StartSimulator

VERSION = "2026-05-02"
WAIT_S = 30.0  # a guard so that a regression fails instead of hanging; no assertion is about time


def named(store: ContractStore, pattern: str) -> ContractVersion:
    """The version, with `pattern` on the name of a project to create."""
    version = store.load(VERSION)
    request = copy.deepcopy(version.schemas["ProjectCreateRequest"])
    request["properties"]["name"]["pattern"] = pattern
    return replace(version, schemas={**version.schemas, "ProjectCreateRequest": request})


def client(server: RunningSimulator) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {server.api_key}"}
    return httpx.AsyncClient(base_url=server.base_url + "/v1", headers=headers, timeout=WAIT_S)


async def create(http: httpx.AsyncClient, name: str) -> httpx.Response:
    return await http.post("/organization/projects", json={"name": name})


def test_a_pathological_pattern_is_answered_while_other_requests_proceed(
    store: ContractStore, start_simulator: StartSimulator
) -> None:
    server = start_simulator(named(store, "^(a+)+$"))

    async def go() -> list[httpx.Response]:
        async with client(server) as http:
            evil = [create(http, "a" * 40 + "!") for _ in range(3)]
            return await asyncio.gather(*evil, http.get("/organization/projects"), create(http, "aaaa"))

    *evil, listed, fine = asyncio.run(go())
    for answer in evil:
        assert answer.status_code == 400
        assert "does not match" in answer.json()["error"]["message"]
    assert listed.status_code == 200 and fine.status_code == 200


def blocking_check(server: RunningSimulator) -> tuple[threading.Event, threading.Event]:
    """Make the validation of a project named `slow` block until released; (entered, release)."""
    sim = server.simulator
    entered, release = threading.Event(), threading.Event()
    original: Callable[..., Any] = sim.check_body

    def check_body(route: Any, raw: bytes) -> Any:
        if b'"slow"' in raw:
            entered.set()
            release.wait(WAIT_S)
        return original(route, raw)

    sim.check_body = check_body
    return entered, release


def test_a_slow_validation_never_stalls_another_request(
    store: ContractStore, start_simulator: StartSimulator
) -> None:
    server = start_simulator(VERSION)
    entered, release = blocking_check(server)

    async def go() -> tuple[bool, httpx.Response, httpx.Response]:
        async with client(server) as http:
            slow = asyncio.ensure_future(create(http, "slow"))
            assert await asyncio.to_thread(entered.wait, WAIT_S)
            fast = await http.get("/organization/projects")
            pending = not slow.done()  # the fast one was answered while the slow one waits
            release.set()
            return pending, fast, await slow

    try:
        pending, fast, slow = asyncio.run(go())
    finally:
        release.set()
    assert pending and fast.status_code == 200 and slow.status_code == 200


def test_a_validation_over_its_budget_is_a_503_and_the_server_goes_on(
    store: ContractStore, start_simulator: StartSimulator
) -> None:
    server = start_simulator(VERSION, validation_budget_s=0.05)
    entered, release = blocking_check(server)

    async def go() -> tuple[httpx.Response, httpx.Response]:
        async with client(server) as http:
            slow = await create(http, "slow")  # answered while its validation is still blocked
            release.set()
            return slow, await create(http, "fine")

    try:
        slow, fine = asyncio.run(go())
    finally:
        release.set()
    assert entered.is_set()
    assert slow.status_code == 503 and slow.json()["error"]["code"] == "validation_timeout"
    assert fine.status_code == 200


@pytest.mark.parametrize(
    ("pattern", "name", "status"),
    [
        (r"^\p{Lu}", "Sandbox", 200),
        (r"^\p{Lu}", "sandbox", 400),
        # A lookahead the linear engine cannot run: skipped (a documentation finding), never a 500.
        (r"^(?!tmp)", "tmp-project", 200),
        (r"^(\w)\1", "ab", 200),
    ],
)
def test_patterns_python_re_cannot_run_are_never_a_500(
    pattern: str, name: str, status: int, store: ContractStore, start_simulator: StartSimulator
) -> None:
    server = start_simulator(named(store, pattern))
    with server.client() as http:
        answer = http.post("/organization/projects", json={"name": name})
    assert answer.status_code == status, answer.text
