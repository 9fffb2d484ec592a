"""Real HTTP servers for the e2e tests: each test starts its own simulator on 127.0.0.1 (a free port,
a background thread) and the fixture stops it when the test ends."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore
from apidrift.simulator import create_app

TEST_KEY = "sk-apidrift-e2e-not-a-real-key"
# One TLS context for every client: httpx otherwise loads the CA bundle (~60 ms) per client, though
# these clients only ever speak plain HTTP to 127.0.0.1.
_TLS = ssl.create_default_context()


class _Server(uvicorn.Server):
    """uvicorn whose main loop waits on an event instead of polling every 0.1 s, so it stops at once."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._stop_event = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().startup(sockets)

    async def main_loop(self) -> None:
        if not self.should_exit:
            await self._stop_event.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn's own shutdown sleeps a fixed 0.1 s for connections to drain; a test's client is
        # closed already, so close everything at once (stalled timeout-fault handlers are cancelled).
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for task in list(self.server_state.tasks):
            task.cancel()
        await asyncio.sleep(0)
        for server in self.servers:
            await server.wait_closed()

    def stop(self) -> None:
        self.should_exit = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop_event.set)


@dataclass
class RunningSimulator:
    """A simulator served over real HTTP: its address, its app (for `app.state.simulator`)."""

    base_url: str
    app: Starlette
    api_key: str = TEST_KEY

    @property
    def simulator(self) -> Any:
        """The app's simulator (its requests, its org); typed loosely, as the simulator is moving."""
        return self.app.state.simulator

    def client(self, *, auth: bool = True, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.api_key}"} if auth else {}
        kwargs.setdefault("timeout", 10.0)
        kwargs.setdefault("verify", _TLS)
        return httpx.Client(base_url=self.base_url + "/v1", headers=headers, **kwargs)

    def control(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url + "/__apidrift__", timeout=10.0, verify=_TLS)


StartSimulator = Callable[..., RunningSimulator]
ServeApp = Callable[[Any], str]


@pytest.fixture
def serve_app() -> Iterator[ServeApp]:
    """`serve_app(asgi_app)` -> its `http://127.0.0.1:<port>` address; every server stops after the test."""
    running: list[tuple[_Server, threading.Thread]] = []

    def serve(app: Any) -> str:
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says
        # TCP, and without it every response body waits ~40 ms behind its headers (Nagle, delayed ACK).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, lifespan="off", log_level="critical", access_log=False)
        server = _Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.002)
        return f"http://127.0.0.1:{port}"

    yield serve
    for server, thread in running:
        server.stop()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the test server did not stop"


@pytest.fixture
def start_simulator(store: ContractStore, serve_app: ServeApp) -> StartSimulator:
    """`start_simulator(version, **create_app_kwargs)` -> a running server, stopped after the test."""

    def start(version: str, *, wrap: Callable[[Any], Any] | None = None, **kwargs: Any) -> RunningSimulator:
        """`wrap` puts test-only ASGI middleware around the app (e.g. to plant secrets or bugs)."""
        app = create_app(version, store=store, **kwargs)
        return RunningSimulator(serve_app(wrap(app) if wrap is not None else app), app)

    return start


@pytest.fixture(scope="session")
def validators(store: ContractStore) -> dict[str, ResponseValidator]:
    return {label: ResponseValidator(store.load(label)) for label in store.labels()}
