"""Request bodies against the simulator over real HTTP (127.0.0.1): valid bodies never get a 5xx,
invalid ones (a required field dropped, a wrong type, a bad enum value) get a 4xx with the documented
error object; and bugs planted in test-only variants of the simulator are caught."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fuzz_support import (
    api_client,
    check_invalid_bodies_get_4xx,
    check_valid_bodies_never_5xx,
    concrete_path,
    served,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apidrift.contracts.model import ContractStore
from apidrift.simulator import create_app

STORE = ContractStore()
CASES = [
    (label, op.id)
    for label in STORE.labels()
    for op in sorted(STORE.load(label).operations.values(), key=lambda o: o.id)
    if op.request_body is not None
]
IDS = [f"{v}/{op}" for v, op in CASES]


@pytest.fixture(scope="module")
def simulators(store: ContractStore) -> Iterator[dict[str, httpx.Client]]:
    """A client of a simulator per version, served over HTTP on 127.0.0.1 for this module."""
    with (
        served(create_app("2026-04-30", store=store)) as old,
        served(create_app("2026-05-02", store=store)) as new,
        api_client(old) as old_client,
        api_client(new) as new_client,
    ):
        yield {"2026-04-30": old_client, "2026-05-02": new_client}


@pytest.fixture
def simulator(simulators: dict[str, httpx.Client], request: pytest.FixtureRequest) -> httpx.Client:
    """The simulator of the test's `version` parameter, back in its seed state."""
    client = simulators[request.getfixturevalue("version")]
    assert client.post(client.base_url.copy_with(path="/__apidrift__/reset")).status_code == 200
    return client


def _path(client: httpx.Client, version: str, op_id: str) -> str:
    contract = STORE.load(version)
    path = concrete_path(client, contract, contract.operation(op_id))
    assert path is not None, f"the seeded org lists nothing to fill {contract.operation(op_id).path}"
    return path


@pytest.mark.parametrize(("version", "op_id"), CASES, ids=IDS)
def test_valid_bodies_never_get_a_5xx(version: str, op_id: str, simulator: httpx.Client) -> None:
    contract = STORE.load(version)
    check_valid_bodies_never_5xx(
        simulator, contract, contract.operation(op_id), _path(simulator, version, op_id)
    )


@pytest.mark.parametrize(("version", "op_id"), CASES, ids=IDS)
def test_invalid_bodies_get_a_4xx_with_the_error_object(
    version: str, op_id: str, simulator: httpx.Client
) -> None:
    contract = STORE.load(version)
    check_invalid_bodies_get_4xx(
        simulator, contract, contract.operation(op_id), _path(simulator, version, op_id)
    )


Bug = Callable[[Any], tuple[int, bytes] | None]


def _with_planted_bug(app: ASGIApp, bug: Bug) -> ASGIApp:
    """The simulator, except that `bug(body)` may answer `POST /organization/projects` instead of it."""

    async def buggy(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) != (
            "POST",
            "/v1/organization/projects",
        ):
            await app(scope, receive, send)
            return
        chunks, message = [], await receive()
        chunks.append(message.get("body", b""))
        while message.get("more_body"):
            message = await receive()
            chunks.append(message.get("body", b""))
        raw = b"".join(chunks)
        answer = bug(json.loads(raw or b"null"))
        if answer is not None:
            await send(
                {
                    "type": "http.response.start",
                    "status": answer[0],
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
            await send({"type": "http.response.body", "body": answer[1]})
            return

        async def replay() -> Message:
            return {"type": "http.request", "body": raw, "more_body": False}

        await app(scope, replay, send)

    return buggy


def _empty_name_crashes(body: Any) -> tuple[int, bytes] | None:
    return (500, b"Internal Server Error") if isinstance(body, dict) and body.get("name") == "" else None


def _unnamed_gets_a_bare_400(body: Any) -> tuple[int, bytes] | None:
    return (400, b"Bad Request") if not isinstance(body, dict) or "name" not in body else None


@pytest.mark.parametrize("version", STORE.labels())
def test_the_properties_catch_bugs_planted_in_the_simulator(version: str, store: ContractStore) -> None:
    contract = STORE.load(version)
    op = contract.operation("create-project")
    for bug, check in (
        (_empty_name_crashes, check_valid_bodies_never_5xx),
        (_unnamed_gets_a_bare_400, check_invalid_bodies_get_4xx),
    ):
        app = _with_planted_bug(create_app(version, store=store), bug)
        with served(app) as base_url, api_client(base_url) as client:
            # Asked with a name, the variant still works: only the planted bug can fail the property.
            assert client.post("/organization/projects", json={"name": "fine"}).status_code == 200
            with pytest.raises(AssertionError) as caught:
                check(client, contract, op, "/organization/projects")
        message = str(caught.value)
        if bug is _empty_name_crashes:
            assert message.startswith('create-project answered 500 to a valid body {"name": ""}'), message
        else:
            assert message.startswith("not an ErrorResponse: create-project, "), message
            assert ": 400 to " in message
