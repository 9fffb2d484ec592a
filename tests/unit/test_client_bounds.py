"""LiveClient keeps every request bounded: a whole-request deadline (a server trickling a byte at a
time never trips a read timeout), a cap on the decoded body, and malformed bodies retried like 5xx.
Against a raw-socket server on 127.0.0.1 that answers exactly the bytes each test gives it."""

from __future__ import annotations

import asyncio
import gzip
import json
from typing import Any

import pytest

from apidrift.live.client import Exchange, FindingKind, LiveClient, RetryPolicy, TransportFinding
from hostile_server import RawRequest, Trickle, hostile_server, response

KEY = "sk-admin-REDACTED"
NO_WAIT = RetryPolicy(max_attempts=3, backoff_base_s=0.0, backoff_cap_s=0.0)


async def _no_sleep(_: float) -> None:
    return None


def get(base_url: str, path: str = "/organization/projects", **kwargs: Any) -> Any:
    async def go() -> Any:
        async with LiveClient(KEY, base_url=base_url + "/v1", sleep=_no_sleep, **kwargs) as client:
            return await client.get(path)

    return asyncio.run(go())


def test_a_server_that_trickles_is_a_timeout_finding_at_the_deadline() -> None:
    whole = response(200, {"object": "list", "data": []})
    # A byte every 50 ms: every read answers well within timeout_s, the whole takes ~4 s.
    with hostile_server(lambda request, n: Trickle(whole, 0.05)) as server:
        outcome = get(server.base_url, timeout_s=5.0, deadline_s=0.5, retry=NO_WAIT)
    assert isinstance(outcome, TransportFinding), outcome
    assert outcome.kind is FindingKind.TIMEOUT
    assert "0.5s deadline" in outcome.message


def test_the_deadline_covers_every_attempt_of_a_request() -> None:
    with hostile_server(lambda request, n: Trickle(response(503, {"error": "busy"}), 0.02)) as server:
        outcome = get(server.base_url, timeout_s=5.0, deadline_s=0.6, retry=RetryPolicy(max_attempts=50))
        served = len(server.requests)
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.TIMEOUT
    assert served < 50, "the deadline, not the attempt count, ended it"


def test_a_body_over_the_cap_is_refused_before_it_is_read_whole() -> None:
    big = {"object": "list", "data": ["x" * 1000] * 2000}  # ~2 MB
    with hostile_server(lambda request, n: response(200, big)) as server:
        outcome = get(server.base_url, max_body_bytes=100_000, retry=NO_WAIT)
        attempts = len(server.requests)
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.TOO_LARGE
    assert "over the 100,000-byte cap" in outcome.message and attempts == 1


def test_the_cap_is_on_the_decoded_size_not_the_bytes_on_the_wire() -> None:
    bomb = gzip.compress(b'{"data": "' + b"0" * 5_000_000 + b'"}')  # ~5 KB on the wire, 5 MB decoded
    fields = f"Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {len(bomb)}"
    head = f"HTTP/1.1 200 OK\r\n{fields}\r\n\r\n"
    with hostile_server(lambda request, n: head.encode() + bomb) as server:
        outcome = get(server.base_url, max_body_bytes=1_000_000, retry=NO_WAIT)
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.TOO_LARGE
    assert "(decoded)" in outcome.message


def test_a_malformed_body_is_retried_and_the_whole_answer_kept() -> None:
    good = {"object": "list", "data": [{"id": "proj_1"}]}

    def answer(request: RawRequest, n: int) -> bytes:
        if len(server.requests) < 3:
            text = json.dumps(good)[:15].encode()  # cut short: not JSON
            return f"HTTP/1.1 200 OK\r\nContent-Length: {len(text)}\r\n\r\n".encode() + text
        return response(200, good)

    with hostile_server(answer) as server:
        outcome = get(server.base_url, retry=RetryPolicy(max_attempts=4, backoff_base_s=0, backoff_cap_s=0))
    assert isinstance(outcome, Exchange) and outcome.body == good
    assert outcome.attempts == 3


def test_a_malformed_body_that_stays_malformed_is_a_finding_after_the_retries() -> None:
    text = b"{not json"
    raw = f"HTTP/1.1 200 OK\r\nContent-Length: {len(text)}\r\n\r\n".encode() + text
    with hostile_server(lambda request, n: raw) as server:
        outcome = get(server.base_url, retry=NO_WAIT)
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.MALFORMED_JSON
    assert outcome.attempts == 3


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"[" * 10_000 + b"]" * 10_000, "nested deeper than 256 levels"),
        (b'{"n": ' + b"9" * 5000 + b"}", "has more than 4,300 digits at #/n"),
        (b'{"s": "\\ud800"}', "a lone surrogate"),
        (b'{"a": 1, "a": 2}', "duplicate key 'a' at #/a"),
        (b'{"x": NaN}', "NaN is not a JSON number at #/x"),
    ],
)
def test_a_body_the_json_module_crashes_on_or_reads_wrongly_is_a_malformed_body_finding(
    text: bytes, reason: str
) -> None:
    raw = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(text)}\r\n\r\n".encode()
    with hostile_server(lambda request, n: raw + text) as server:
        outcome = get(server.base_url, retry=NO_WAIT)
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.MALFORMED_JSON
    assert reason in outcome.message, outcome.message
