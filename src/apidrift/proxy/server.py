"""Running the proxy: uvicorn on 127.0.0.1 serving the forwarding app until it is told to stop (a
signal, `POST /__apidrift__/proxy/stop`, `--max-exchanges`, or `ProxyServer.stop()`), then the
recorder's HAR files closed and the session returned for checking."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import uvicorn

from apidrift.errors import ProxyError
from apidrift.live.redaction import RedactionRules, safe_base_url
from apidrift.proxy.forward import ProxyApp
from apidrift.proxy.har import DEFAULT_FILE_BYTES
from apidrift.proxy.recorder import ProxyFinding, Recorder

HOST: Final = "127.0.0.1"
DEFAULT_BODY_CAP: Final = 8 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class ProxyOptions:
    """Where to forward, where to listen (port 0: any free port), where the HAR files go, what is kept."""

    upstream: str
    har_dir: Path
    rules: RedactionRules
    port: int = 0
    body_cap: int = DEFAULT_BODY_CAP
    max_exchanges: int | None = None
    max_file_bytes: int = DEFAULT_FILE_BYTES


@dataclass(frozen=True, kw_only=True)
class ProxySession:
    """What a stopped proxy leaves: its HAR files, how many exchanges passed, what it met, and why it
    stopped (`signal`, `control`, `max-exchanges` or `stop`)."""

    upstream: str
    har_files: tuple[Path, ...]
    exchanges: int
    findings: tuple[ProxyFinding, ...]
    findings_left_out: int
    stopped_by: str


class _Server(uvicorn.Server):
    """uvicorn whose main loop waits on an event (no 0.1 s polling), stopped from any thread or a
    signal handler, and which does not re-raise the signal that stopped it: a stopped proxy still
    has its report to write."""

    def __init__(self, config: uvicorn.Config, on_listening: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_listening = on_listening
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self.stopped_by: str | None = None
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        if self.stopped_by is not None:
            self._wake.set()
        await super().startup(sockets)
        if self.started:
            self._on_listening()
        self.ready.set()

    async def main_loop(self) -> None:
        if self._wake is not None and not self.should_exit:
            await self._wake.wait()

    def request_stop(self, why: str) -> None:
        """Stop serving (in-flight exchanges finish first); safe from any thread and from a signal."""
        if self.stopped_by is None:
            self.stopped_by = why
        elif why == "signal":
            self.force_exit = True  # a second Ctrl-C: stop waiting for open streams
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, lambda *_: self.request_stop("signal")) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


class ProxyServer:
    """One proxy session: `run()` serves until stopped (blocking; from the main thread it also stops
    on SIGINT/SIGTERM) and returns the session; `stop()` ends it from elsewhere."""

    def __init__(self, options: ProxyOptions, *, on_listening: Callable[[str], None] | None = None) -> None:
        upstream = urlsplit(options.upstream)
        if upstream.scheme not in ("http", "https") or not upstream.hostname:
            raise ProxyError(
                f"--upstream {safe_base_url(options.upstream)!r} is not an http:// or https:// URL"
            )
        if upstream.query or upstream.fragment or upstream.username or upstream.password:
            raise ProxyError("--upstream takes a base URL: no user, password, query or fragment")
        self.options = options
        self._sock = _bind(options.port)
        self.url = f"http://{HOST}:{self._sock.getsockname()[1]}"
        self._recorder = Recorder(
            options.har_dir, options.rules, body_cap=options.body_cap, max_file_bytes=options.max_file_bytes
        )
        self._app = ProxyApp(
            options.upstream,
            recorder=self._recorder,
            body_cap=options.body_cap,
            on_stop=self._server_stop,
            max_exchanges=options.max_exchanges,
        )
        config = uvicorn.Config(
            self._app,
            lifespan="on",
            log_config=None,  # leave the host program's logging as it is
            log_level="error",
            access_log=False,  # an access log line would carry query strings: never logged
            server_header=False,  # the client gets the upstream's headers, not uvicorn's
            date_header=False,
            timeout_graceful_shutdown=5,
            proxy_headers=False,  # the client is local; uvicorn need not read X-Forwarded-For
        )
        self._server = _Server(config, lambda: (on_listening or (lambda _: None))(self.url))

    def run(self) -> ProxySession:
        self._recorder.start()
        try:
            self._server.run(sockets=[self._sock])
        finally:
            self._sock.close()
            recorded = self._recorder.close()
        return ProxySession(
            upstream=safe_base_url(self.options.upstream),
            har_files=recorded.paths,
            exchanges=recorded.exchanges,
            findings=recorded.findings,
            findings_left_out=recorded.findings_left_out,
            stopped_by=self._server.stopped_by or "stop",
        )

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """True once the proxy listens (for a caller that runs it on another thread)."""
        return self._server.ready.wait(timeout)

    def stop(self) -> None:
        self._server.request_stop("stop")

    def _server_stop(self, why: str) -> None:
        self._server.request_stop(why)


def _bind(port: int) -> socket.socket:
    # IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on accepted sockets whose proto says TCP, and
    # without it every small body waits ~40 ms behind its headers (Nagle and delayed ACKs).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise ProxyError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
    return sock


def run_proxy(options: ProxyOptions, *, on_listening: Callable[[str], None] | None = None) -> ProxySession:
    """Serve until stopped; the session, its HAR files closed."""
    return ProxyServer(options, on_listening=on_listening).run()
