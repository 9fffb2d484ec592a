"""The forwarding ASGI app: each request goes upstream as it came (hop-by-hop headers aside), each
answer comes back untouched, chunk by chunk as the upstream sends it, while a capped copy of both
bodies is taken for the recorder. Control requests under `/__apidrift__/proxy/` are the proxy's own.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Final
from urllib.parse import urlsplit

import httpcore

from apidrift.proxy.capture import BodyTap, Captured
from apidrift.proxy.recorder import Recorder

CONTROL: Final = "/__apidrift__/proxy/"
# Meaningful for one connection only (RFC 9110 §7.6.1), plus Host, which the upstream URL sets.
HOP_BY_HOP: Final = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    }
)

# What the upstream hop can raise: the client then gets a 502 (or a cut-off answer) and a finding.
UPSTREAM_ERRORS: Final = (httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError, OSError)

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


def upstream_pool() -> httpcore.AsyncConnectionPool:
    """One pooled connection set for the session. httpcore rather than an httpx client: the proxy needs
    none of a client's cookies, redirects, auth or URL rebuilding, and they cost a third of its time."""
    return httpcore.AsyncConnectionPool(
        max_connections=100, max_keepalive_connections=32, keepalive_expiry=30
    )


class ProxyApp:
    """The ASGI app: forwards to `upstream`, hands each finished exchange to `recorder`, and calls
    `on_stop(why)` when told to stop (a control request, or `max_exchanges` reached)."""

    def __init__(
        self,
        upstream: str,
        *,
        recorder: Recorder,
        body_cap: int,
        on_stop: Callable[[str], None],
        max_exchanges: int | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 600.0,
    ) -> None:
        self._upstream = upstream.rstrip("/")
        parts = urlsplit(self._upstream)
        self._scheme = parts.scheme.encode()
        self._host = (parts.hostname or "").encode("idna")
        self._port = parts.port
        self._base_path = parts.path.encode()
        default = 443 if parts.scheme == "https" else 80
        self._host_header = (
            self._host if self._port in (None, default) else b"%b:%d" % (self._host, self._port)
        )
        # A stream may idle long between events: the read timeout is generous, the connect one is not.
        self._timeouts = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": read_timeout,
            "pool": read_timeout,
        }
        self._recorder = recorder
        self._cap = body_cap
        self._on_stop = on_stop
        self._max = max_exchanges
        self._pool = upstream_pool()
        self.exchanges = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] != "http":
            return  # websockets are not proxied
        elif scope["path"].startswith(CONTROL):
            await self._control(scope, send)
        else:
            await self._forward(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self._pool.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _control(self, scope: Scope, send: Send) -> None:
        action = scope["path"][len(CONTROL) :]
        body: dict[str, Any]
        if action == "stop" and scope["method"] == "POST":
            status, body = 200, {"stopping": True, "exchanges": self.exchanges}
            self._on_stop("control")
        elif action == "status" and scope["method"] == "GET":
            status, body = 200, {"exchanges": self.exchanges, "upstream": self._upstream}
        else:
            status, body = 404, {"error": f"unknown control request; POST {CONTROL}stop, GET {CONTROL}status"}
        await _answer(send, status, body)

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.time()
        t0 = time.perf_counter()
        method = scope["method"]
        raw_query = scope.get("query_string", b"")
        target = self._base_path + scope.get("raw_path", scope["path"].encode())
        if raw_query:
            target += b"?" + raw_query
        headers = _forwarded(scope["headers"])
        headers.insert(0, (b"host", self._host_header))
        names = {name.lower() for name, _ in scope["headers"]}
        request_tap = BodyTap(self._cap)
        response_tap = BodyTap(self._cap)
        content: Any = None
        if b"content-length" in names or b"transfer-encoding" in names:
            content = _body(receive, request_tap)
            if b"content-length" not in names:
                headers.append((b"transfer-encoding", b"chunked"))  # the upstream hop is framed anew
        status: int | None = None
        reason = ""
        version = "HTTP/1.1"
        response_headers: list[tuple[bytes, bytes]] = []
        error: str | None = None
        request = httpcore.Request(
            method.encode(),
            httpcore.URL(scheme=self._scheme, host=self._host, port=self._port, target=target),
            headers=headers,
            content=content,
            extensions={"timeout": self._timeouts},
        )
        try:
            response = await self._pool.handle_async_request(request)
        except UPSTREAM_ERRORS as exc:
            error = f"no answer from the upstream: {_describe(exc)}"
            await _answer(
                send, 502, {"error": {"message": f"apidrift proxy: {error}", "type": "proxy_error"}}
            )
        else:
            left = _ClientWatch(receive)
            try:
                status = response.status
                reason = response.extensions.get("reason_phrase", b"").decode("latin-1")
                version = response.extensions.get("http_version", b"HTTP/1.1").decode("latin-1")
                response_headers = _forwarded(response.headers)
                await send({"type": "http.response.start", "status": status, "headers": response_headers})
                async for chunk in response.stream:  # type: ignore[union-attr]
                    response_tap.add(chunk)
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    if response_tap.size > len(chunk):
                        left.start()  # a body in several chunks may be a stream that outlives its client
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            except UPSTREAM_ERRORS as exc:
                # The answer began and broke off: the client's connection is closed the same way.
                error = f"the upstream's answer broke off: {_describe(exc)}"
            except asyncio.CancelledError:
                if not left.gone:
                    raise
                asyncio.current_task().uncancel()  # type: ignore[union-attr]
                error = "the client left before the answer ended; the upstream's stream was closed"
            finally:
                left.stop()
                await response.aclose()
        captured = Captured(
            started=started,
            elapsed_ms=(time.perf_counter() - t0) * 1000,
            method=method,
            url=self._upstream + target[len(self._base_path) :].decode("latin-1"),
            request_headers=_text(scope["headers"]),
            request_body=request_tap.kept,
            request_size=request_tap.size,
            status=status,
            reason=reason,
            http_version=version,
            response_headers=_text(response_headers),
            response_body=response_tap.kept,
            response_size=response_tap.size,
            error=error,
        )
        # The answer is sent: the recorder redacts and writes it on its own thread.
        if not self._recorder.try_put(captured):
            await asyncio.get_running_loop().run_in_executor(None, self._recorder.put, captured)
        self.exchanges += 1
        if self._max is not None and self.exchanges >= self._max:
            self._on_stop("max-exchanges")


class _ClientWatch:
    """Once started, waits for the client to disconnect and then cancels the forwarding task, so an
    endless stream is not read on for a client that has gone (uvicorn drops sends to it silently)."""

    __slots__ = ("_receive", "_task", "_watcher", "gone")

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._task = asyncio.current_task()
        self._watcher: asyncio.Task[None] | None = None
        self.gone = False

    def start(self) -> None:
        if self._watcher is None:
            self._watcher = asyncio.ensure_future(self._watch())

    def stop(self) -> None:
        if self._watcher is not None and not self._watcher.done():
            self._watcher.cancel()

    async def _watch(self) -> None:
        while (await self._receive())["type"] != "http.disconnect":
            pass
        self.gone = True
        if self._task is not None:
            self._task.cancel()


def _forwarded(headers: Any) -> list[tuple[bytes, bytes]]:
    """Headers minus hop-by-hop ones, and minus those a `Connection` header names."""
    named = set(HOP_BY_HOP)
    for name, value in headers:
        if name.lower() == b"connection":
            named.update(token.strip().lower() for token in value.decode("latin-1").split(","))
    return [(n, v) for n, v in headers if n.decode("latin-1").lower() not in named]


def _text(headers: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in headers)


async def _body(receive: Receive, tap: BodyTap) -> AsyncIterator[bytes]:
    """The client's request body as it arrives, tapped on the way upstream."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk = message.get("body", b"")
        if chunk:
            tap.add(chunk)
            yield chunk
        if not message.get("more_body", False):
            return


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def _answer(send: Send, status: int, body: Any) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data, "more_body": False})
