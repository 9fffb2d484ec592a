"""What a live answer is: its body read within a size cap, then judged as an `Exchange` (JSON with an
expected status, redacted) or a `TransportFinding` (an HTML page, an unexpected status, not JSON)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from apidrift.contracts.safeload import decode_utf8, parse_json
from apidrift.errors import RecordingError
from apidrift.live.outcomes import Exchange, FindingKind, Outcome, TransportFinding
from apidrift.live.redaction import RedactionRules, redact_headers, redact_json


@dataclass(frozen=True)
class Asked:
    """What a request asked for, as its outcome names it (the query already scrubbed of secrets)."""

    method: str
    path_template: str
    path: str
    query: dict[str, str]


@dataclass(frozen=True)
class Received:
    """A whole answer: what the judging reads (the body already read, within its cap)."""

    status_code: int
    headers: httpx.Headers
    content: bytes


class TooLarge(Exception):
    """A body over the cap: never read further, never recorded."""

    def __init__(self, status: int, size: str, cap: int) -> None:
        super().__init__(f"HTTP {status}: the body is {size} (decoded), over the {cap:,}-byte cap: not read")
        self.status = status


async def read_capped(response: httpx.Response, cap: int) -> bytes:
    """The decoded body, refused past `cap` bytes (a 100 MB answer is never held whole)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise TooLarge(response.status_code, f"{int(declared):,} bytes", cap)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise TooLarge(response.status_code, f"over {cap:,} bytes", cap)
        chunks.append(chunk)
    return b"".join(chunks)


def judge_answer(
    asked: Asked,
    response: Received,
    expected: Collection[int] | None,
    secrets: Sequence[str],
    rules: RedactionRules,
) -> Outcome:
    """An answer that is not a 429/5xx, as an `Exchange` or the finding that says what is wrong."""
    status, content = response.status_code, response.content
    where = (asked.method, asked.path_template, asked.path)
    accepted = status in expected if expected is not None else 200 <= status < 300
    if "html" in response.headers.get("content-type", "") or content.lstrip()[:1] == b"<":
        message = f"HTTP {status}: an HTML page instead of JSON"
        return TransportFinding(FindingKind.HTML_ERROR_PAGE, message, 0, *where, status)
    if not accepted:
        message = f"HTTP {status} (expected {statuses(expected)}): {excerpt(content)}"
        return TransportFinding(FindingKind.UNEXPECTED_STATUS, message, 0, *where, status)
    body: Any = None
    if content.strip():
        try:
            # Strict and bounded, as a recording is read: nesting past the limit, a duplicate key,
            # NaN, a number no double holds or a lone surrogate is a malformed body, not a crash.
            body = parse_json(
                decode_utf8(content, file="", error=RecordingError), file="", error=RecordingError
            )
        except RecordingError as exc:
            at = f" at #{exc.pointer}" if exc.pointer else ""
            message = f"HTTP {status}: body is not JSON ({exc.message}{at}); {len(content)} bytes"
            return TransportFinding(FindingKind.MALFORMED_JSON, message, 0, *where, status)
    return Exchange(
        method=asked.method,
        path_template=asked.path_template,
        path=asked.path,
        query=asked.query,
        status=status,
        headers=redact_headers(dict(response.headers), secrets, rules),
        body=redact_json(body, secrets, rules=rules),
        elapsed_s=0.0,
        attempts=0,
    )


def excerpt(content: bytes, limit: int = 200) -> str:
    """A short, single-line excerpt of an error body (the API's `error.message` when there is one)."""
    text = content.decode("utf-8", errors="replace")
    if text.lstrip()[:1] == "<":
        return "an HTML page"
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        text = str(parsed["error"].get("message", text))
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "") if text else "(empty body)"


def statuses(expected: Collection[int] | None) -> str:
    return "2xx" if expected is None else ", ".join(str(s) for s in sorted(expected))
