"""What a fuzz run sends requests to: the simulator, served on 127.0.0.1 for the run, or a base URL,
both through the live client (its auth, redaction, deadlines, template guard and read-only rule); and
the ids path parameters take, found the way a live sweep finds them (profile, links, parent list)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final
from urllib.parse import urlsplit

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.errors import FuzzError
from apidrift.fuzz.model import Case
from apidrift.live.auth import with_contract_auth
from apidrift.live.client import Exchange, LiveClient, Outcome, RetryPolicy
from apidrift.live.discovery import IdSource, id_source, list_items, pick
from apidrift.profiles.model import ApiProfile
from apidrift.simulator import BASE_PATH, CONTROL_PREFIX

# Any status is an answer to judge: the fuzz judge, not the client, says which ones are wrong.
EVERY_STATUS: Final = frozenset(range(100, 600))
# The simulator takes any key of the profile's shape; this one is plainly no secret.
SIMULATOR_KEY: Final = "apidrift-fuzz-simulator-placeholder"
CANDIDATES: Final = 5  # items of a list tried for a path parameter before giving up


@contextmanager
def served(app: Any) -> Iterator[str]:
    """An ASGI app served by uvicorn on a free port of 127.0.0.1 in a thread, stopped after; yields its
    API base URL (the origin and the path a simulator says it serves below, else `/v1`)."""
    import uvicorn  # only a run against an app in this process needs the server

    # IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets whose proto says TCP (else ~40 ms each).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="off", log_level="critical", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise FuzzError("the server did not start on 127.0.0.1")
            time.sleep(0.005)
        simulator = getattr(getattr(app, "state", None), "simulator", None)
        path = getattr(simulator, "base_path", BASE_PATH)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}{path}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class Target:
    """A synchronous face of `LiveClient` for hypothesis (which calls plain functions): one event loop
    for the run; no retries (a retried 5xx would hide the very thing looked for)."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        profile: ApiProfile,
        version: ContractVersion,
        read_only: bool,
        simulated: bool,
        timeout_s: float = 10.0,
        request_budget: int | None = None,
    ) -> None:
        self.version = version
        profile = with_contract_auth(profile, version)
        self.profile = profile
        self.simulated = simulated
        self.base_url = base_url
        self._loop = asyncio.new_event_loop()
        self.client = LiveClient(
            api_key,
            base_url=base_url,
            profile=profile,
            read_only=read_only,
            timeout_s=timeout_s,
            retry=RetryPolicy(max_attempts=1),
            max_concurrency=1,
            request_budget=request_budget,
        )
        self.sent = 0

    def close(self) -> None:
        self._loop.run_until_complete(self.client.aclose())
        self._loop.close()

    def send(self, case: Case) -> Outcome:
        self.sent += 1
        return self._loop.run_until_complete(
            self.client.request(
                case.method,
                case.path_template,
                path_params=case.path_params,
                query=case.query,
                json_body=case.body,
                headers=case.headers,
                operation=case.operation,
                expected_status=EVERY_STATUS,
            )
        )

    def reset(self) -> None:
        """Back to the seeded state between operations, when the target is the simulator (its control
        route); a real API has no such thing and keeps what the run did."""
        if not self.simulated:
            return
        parts = urlsplit(self.base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        import httpx

        # A simulator without the route keeps its state; the run goes on.
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(f"{origin}{CONTROL_PREFIX}/reset", timeout=5)

    def ids(self, op: Operation, known: dict[str, str] | None = None) -> dict[str, str] | str:
        """A value for every path parameter of `op` (`known` ones kept), each the id of something that
        exists, listed through the API (backtracking over the first few items of each list, so
        `/a/{a_id}/b/{b_id}` finds an `a` that has `b`s); or why not."""
        gets = {o.path: o for o in self.version.operations.values() if o.method == "GET"}
        names = [p.name for p in op.path_params if p.name not in (known or {})]
        why: list[str] = []

        def bind(bound: dict[str, str], left: list[str]) -> dict[str, str] | None:
            if not left:
                return bound
            name = left[0]
            source = id_source(op, name, gets, self.version, self.profile)
            if isinstance(source, str):
                why.append(source)
                return None
            collection = gets[source.collection]
            missing = [p.name for p in collection.path_params if p.name not in bound]
            if missing:
                why.append(f"{source.collection} needs {', '.join(missing)} first")
                return None
            outcome = self._loop.run_until_complete(
                self.client.get(collection.path, path_params=bound, operation=collection.id)
            )
            body = outcome.body if isinstance(outcome, Exchange) else None
            for value in candidates(body, source, self.profile, CANDIDATES):
                if (found := bind({**bound, name: value}, left[1:])) is not None:
                    return found
            why.append(f"{collection.id} ({source.collection}) listed no {{{name}}} to use")
            return None

        found = bind(dict(known or {}), names)
        return found if found is not None else why[-1]


def candidates(body: object, source: IdSource, profile: ApiProfile, limit: int) -> list[str]:
    """The ids of the first `limit` active items of a list answer, as `pick` reads each."""
    out: list[str] = []
    for item in list_items(body) if source.items is None else [body]:
        value = pick({"data": [item]} if source.items is None else item, source, profile.sweep)
        if value is not None and value not in out:
            out.append(value)
        if len(out) >= limit:
            break
    return out
