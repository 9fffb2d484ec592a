"""Fault injection: a seeded plan that turns some responses into 429s, 500s, timeouts, garbage or drops.

Each faultable request gets the next sequence number `n`; whether and how it fails depends only on
`(seed, n)`, so a run with the same seed and the same request order fails the same way.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send

from apidrift.simulator.errors import FaultPlanError

FAULT_KINDS: Final = ("429", "500", "timeout", "malformed", "html", "drop")
RAW_SEND_KEY: Final = "apidrift.raw_send"

RATE_LIMIT_ERROR: Final = {
    "error": {
        "message": "Rate limit reached for requests. Please try again in a moment.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}
SERVER_ERROR: Final = {
    "error": {
        "message": "The server had an error while processing your request. Sorry about that!",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}
HTML_502: Final = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>apidrift simulator</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Fault:
    """One injected fault: its kind and, for 429, the `Retry-After` seconds."""

    kind: str
    retry_after: int = 0


@dataclass(frozen=True)
class FaultPlan:
    """Per-kind probabilities (summing to at most 1), a seed, and how long a `timeout` stalls."""

    rates: Mapping[str, float] = field(default_factory=dict)
    seed: int | None = None
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        for kind, rate in self.rates.items():
            if kind not in FAULT_KINDS:
                raise FaultPlanError(f"unknown fault kind {kind!r} (known: {', '.join(FAULT_KINDS)})")
            if not 0.0 <= rate <= 1.0:
                raise FaultPlanError(f"rate of {kind!r} must be between 0 and 1, got {rate}")
        total = sum(self.rates.values())
        if total > 1.0 + 1e-9:
            raise FaultPlanError(f"fault rates add up to {total:g}, more than 1")
        if self.timeout_s < 0:
            raise FaultPlanError(f"timeout_s must not be negative, got {self.timeout_s}")

    @classmethod
    def parse(cls, text: str, *, seed: int | None = None, timeout_s: float = 30.0) -> FaultPlan:
        """Parse `429=0.1,500=0.05,timeout=0.02,malformed=0.02,html=0.02,drop=0.01` (plus optional
        `seed=N` and `timeout_s=S` items)."""
        rates: dict[str, float] = {}
        for raw in filter(None, (part.strip() for part in text.split(","))):
            key, sep, value = (s.strip() for s in raw.partition("="))
            if not sep or not key or not value:
                raise FaultPlanError(f"fault item {raw!r} is not kind=rate (e.g. 429=0.1)")
            try:
                if key == "seed":
                    seed = int(value)
                elif key == "timeout_s":
                    timeout_s = float(value)
                else:
                    rates[key] = float(value)
            except ValueError:
                raise FaultPlanError(f"fault item {raw!r}: {value!r} is not a number") from None
        return cls(rates=rates, seed=seed, timeout_s=timeout_s)

    def decide(self, n: int, seed: int = 0) -> Fault | None:
        """The fault of the `n`-th faultable request, None to answer normally (the plan's seed wins)."""
        if not self.rates:
            return None
        rng = random.Random(f"{self.seed if self.seed is not None else seed}:{n}")
        draw = rng.random()
        edge = 0.0
        for kind in FAULT_KINDS:
            edge += self.rates.get(kind, 0.0)
            if draw < edge:
                return Fault(kind, retry_after=rng.randint(0, 1) if kind == "429" else 0)
        return None


def fault_response(fault: Fault) -> Response | None:
    """The response that replaces the real one, or None for kinds that alter it (timeout, malformed)."""
    if fault.kind == "429":
        return JSONResponse(RATE_LIMIT_ERROR, 429, headers={"retry-after": str(fault.retry_after)})
    if fault.kind == "500":
        return JSONResponse(SERVER_ERROR, 500)
    if fault.kind == "html":
        return HTMLResponse(HTML_502, 502)
    if fault.kind == "drop":
        return DropConnection()
    return None


def truncate_json(response: Response) -> Response:
    """A 200 whose JSON body is cut in half: what a client sees when a proxy truncates the stream."""
    body = bytes(response.body)
    cut = max(1, len(body) // 2) if len(body) > 1 else 0
    return Response(body[:cut], 200, media_type="application/json")


async def stall(seconds: float, disconnected: Callable[[], Awaitable[bool]]) -> None:
    """Sleep in small steps, stopping early once the client has gone (so no task outlives it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        await asyncio.sleep(min(0.05, left))
        if await disconnected():
            return


class DropConnection(Response):
    """Close the TCP connection without sending a byte, so the client sees a connection error."""

    def __init__(self) -> None:
        super().__init__(b"", 200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = _transport(scope.get(RAW_SEND_KEY))
        if transport is not None:
            transport.close()
            # Let the server notice the closed connection before we return without a response,
            # otherwise it would try to send its own 500.
            for _ in range(3):
                await asyncio.sleep(0)
            return
        # No socket to close (e.g. an in-process ASGI transport): start a response and abandon it
        # mid-body, which servers answer by closing the connection.
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        raise ConnectionAbortedError("apidrift simulator: dropped connection (fault injection)")


def _transport(raw_send: Any) -> Any:
    """The server's transport behind uvicorn's `send` (its request cycle holds it), if reachable."""
    cycle = getattr(raw_send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    return transport if callable(getattr(transport, "close", None)) else None
