"""An async HTTP client for a live API: retries, a request budget, pagination, typed outcomes.

Every call returns an `Exchange` (a JSON response with an expected status) or a `TransportFinding`
(what went wrong, typed); transport trouble and non-JSON bodies never raise. Bodies, headers and
messages are redacted here (by the profile's rules), so nothing that leaves this module carries the key.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from apidrift.errors import LiveError, ReadOnlyViolation
from apidrift.live.answers import Asked, Received, TooLarge, excerpt, judge_answer, read_capped
from apidrift.live.outcomes import (
    Exchange,
    FindingKind,
    Outcome,
    RetryPolicy,
    TransportFinding,
)
from apidrift.live.redaction import RedactionRules, safe_base_url
from apidrift.live.transport import (
    PROTOCOL_VIOLATION_KEY,
    ForgetfulTransport,
    fill_path,
    leaves_template,
    no_cookies,
)
from apidrift.profiles.model import ApiProfile, load_profile

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


Sleep = Callable[[float], Awaitable[None]]
# The outcome types live in `outcomes`; they are importable from here too, as they always were.
__all__ = [
    "Exchange",
    "FindingKind",
    "LiveClient",
    "LiveError",
    "Outcome",
    "ReadOnlyViolation",
    "RetryPolicy",
    "TransportFinding",
    "fill_path",
    "next_cursor",
]


@dataclass
class _Attempted:
    """What the last attempt of a call produced, for the finding when retries run out."""

    kind: FindingKind
    message: str
    status: int | None = None
    retry_after: float | None = None
    unsent: bool = False
    # The server answered, but wrongly: sending again would only hide what it did.
    final: bool = False


_HEADER_SAFE = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")


class LiveClient:
    """An API over httpx: the profile's auth, bounded retries, a concurrency limit and a request budget."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str,
        profile: ApiProfile | None = None,
        read_only: bool = True,
        timeout_s: float = 30.0,
        deadline_s: float | None = None,
        max_body_bytes: int = 32 * 1024 * 1024,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 4,
        request_budget: int | None = None,
        give_up_after: int | None = 8,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
        on_exchange: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.profile = profile or load_profile()
        if not api_key.strip():
            variable = self.profile.key_env or "the key variable"
            raise LiveError(f"an API key is required ({variable} is empty)")
        if not _HEADER_SAFE.fullmatch(api_key):
            # A header carries visible ASCII only: a newline would split it, `é` cannot be sent.
            variable = self.profile.key_env or "the key variable"
            raise LiveError(f"the API key in {variable} holds a character a header cannot carry")
        try:
            scheme = urlsplit(base_url).scheme
        except ValueError as exc:  # `http://[::1`: a bracket left open
            raise LiveError(f"base URL is not a URL ({exc})") from None
        if scheme not in {"http", "https"}:
            raise LiveError(f"base URL must be http(s): {safe_base_url(base_url)!r}")
        self._key = SecretStr(api_key)
        self._rules = RedactionRules.for_profile(self.profile)
        self.base_url = safe_base_url(base_url)
        self.read_only = read_only
        self.retry = retry or RetryPolicy()
        # `timeout_s` bounds each read; a server trickling a byte at a time never trips it, so a
        # whole request (every attempt, every byte) also has a deadline, and a body a size cap.
        self.deadline_s = deadline_s if deadline_s is not None else 2 * timeout_s
        self.max_body_bytes = max_body_bytes
        self.budget_left = request_budget
        # A server that answers nothing would hold a run for budget / concurrency x deadline (hours
        # at the defaults): after this many requests in a row got no answer at all, none is sent.
        if give_up_after is not None and give_up_after < 1:
            raise LiveError(f"give_up_after must be at least 1, got {give_up_after}")
        self.give_up_after = give_up_after
        self.unanswered_in_a_row = 0
        self.on_exchange = on_exchange
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock
        self._limit = asyncio.Semaphore(max_concurrency)
        # The key goes on each request, never into the client's default headers, so no long-lived
        # object but the SecretStr (whose repr is masked) holds it.
        # No cookie jar (a cookie a server sets is never sent back) and, by default, a transport that
        # never reuses a connection after a response overran its end (`live/transport.py`).
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            transport=transport or ForgetfulTransport(),
            timeout=httpx.Timeout(timeout_s),
            cookies=no_cookies(),
        )

    def __repr__(self) -> str:
        return (
            f"LiveClient(base_url={self.base_url!r}, read_only={self.read_only}, "
            f"budget_left={self.budget_left}, max_attempts={self.retry.max_attempts})"
        )

    async def __aenter__(self) -> LiveClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def rules(self) -> RedactionRules:
        """The profile's redaction rules (without the key: callers pass what they hold themselves)."""
        return self._rules

    def scrub(self, text: str) -> str:
        """Text with the key (and anything else key-shaped) removed: for messages and logs."""
        return self._rules.with_secrets((self._key.get_secret_value(),)).text(text)

    def _auth_headers(self) -> dict[str, str]:
        key = self._key.get_secret_value()
        if self.profile.auth.scheme == "header":
            return {self.profile.auth.header: key}
        return {"Authorization": f"Bearer {key}"}

    async def get(self, path_template: str, **kwargs: Any) -> Outcome:
        return await self.request("GET", path_template, **kwargs)

    async def request(
        self,
        method: str,
        path_template: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        operation: str | None = None,
        expected_status: Collection[int] | None = None,
        idempotent: bool | None = None,
        bypass_budget: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Outcome:
        """Send one request with retries; `expected_status` defaults to any 2xx; `headers` are sent too
        (never in place of the authentication ones).

        Non-idempotent requests (POST unless told otherwise) are retried only when the server cannot
        have acted on them (429, refused connections), so a create is never sent twice.
        `bypass_budget` is for compensating calls that must run even when the budget is spent.
        """
        method = method.upper()
        if self.read_only and method != "GET":
            raise ReadOnlyViolation(f"read-only client refuses {method} {path_template}")
        path = fill_path(path_template, path_params or {})
        params = {k: str(v) for k, v in (query or {}).items()}
        safe_query = {k: self.scrub(v) for k, v in params.items()}
        resend_safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        started = time.perf_counter()
        deadline = started + self.deadline_s
        attempts = 0
        answered = False  # any HTTP answer (a 5xx too) shows the server is there
        last: _Attempted | None = None
        # Built once, checked, then sent as it is by every attempt: what was checked is what goes out.
        prepared = self._http.build_request(
            method,
            path.lstrip("/"),
            params=params,
            json=json_body,
            headers={**(headers or {}), **self._auth_headers()},
        )
        leaves = leaves_template(path_template, path, self._http.base_url, prepared.url)
        if leaves is not None:  # never sent: the finding says why
            last = _Attempted(FindingKind.UNSAFE_PATH, f"not sent: {leaves}", final=True)
        elif self.given_up:
            silent = self.unanswered_in_a_row
            message = f"not sent: the last {silent} requests got no answer (timed out or refused)"
            last = _Attempted(FindingKind.SERVER_UNRESPONSIVE, message, final=True)
        while attempts < self.retry.max_attempts and (last is None or not last.final):
            if not bypass_budget and self.budget_left is not None:
                if self.budget_left <= 0:
                    after = f" after {attempts} attempts ({last.message})" if last else ""
                    last = _Attempted(FindingKind.BUDGET_EXHAUSTED, f"request budget exhausted{after}")
                    break
                self.budget_left -= 1
            left = deadline - time.perf_counter()
            if left <= 0:
                spent = f" ({last.message})" if last else ""
                message = f"no whole answer within the {self.deadline_s:g}s deadline{spent}"
                last = _Attempted(FindingKind.TIMEOUT, message)
                break
            attempts += 1
            sent = await self._send(prepared, left)
            answered = answered or not isinstance(sent, _Attempted) or sent.status is not None
            if isinstance(sent, _Attempted):
                last = sent
                may_retry = (resend_safe or sent.unsent) and not sent.final
            elif sent.status_code == 429 or sent.status_code >= 500:
                last = self._refusal(sent)
                may_retry = sent.status_code == 429 or resend_safe
                if last.retry_after is not None and last.retry_after > self.retry.max_retry_after_s:
                    last.message += f" (Retry-After {last.retry_after:.0f}s is over the cap)"
                    may_retry = False
            else:
                secret = (self._key.get_secret_value(),)
                outcome = judge_answer(
                    Asked(method, path_template, path, safe_query), sent, expected_status, secret, self._rules
                )
                if not (isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.MALFORMED_JSON):
                    self.unanswered_in_a_row = 0
                    return self._finish(outcome, attempts, started, operation)
                # A truncated or garbled body is retried like a 5xx: the next answer may be whole.
                last = _Attempted(outcome.kind, outcome.message, outcome.status)
                may_retry = resend_safe
            if not may_retry:
                break
            await self._backoff(attempts, last.retry_after)
        assert last is not None  # the loop ran (max_attempts >= 1), the budget refused or the path did
        if answered:
            self.unanswered_in_a_row = 0
        elif attempts:  # sent, and never answered
            self.unanswered_in_a_row += 1
        finding = TransportFinding(last.kind, last.message, attempts, method, path_template, path)
        return self._finish(replace(finding, status=last.status), attempts, started, operation)

    async def _send(self, prepared: httpx.Request, left: float) -> Received | _Attempted:
        """One attempt, holding a concurrency slot only while on the wire (never while backing off):
        the body read in chunks up to `max_body_bytes` (decoded), all of it within `left` seconds."""
        async with self._limit:
            try:
                async with asyncio.timeout(left):
                    response = await self._http.send(prepared, stream=True)
                    try:
                        content = await read_capped(response, self.max_body_bytes)
                    finally:
                        await response.aclose()
            except TimeoutError:
                message = (
                    f"no whole answer within the {self.deadline_s:g}s deadline (a server that trickles?)"
                )
                return _Attempted(FindingKind.TIMEOUT, message)
            except TooLarge as exc:
                return _Attempted(FindingKind.TOO_LARGE, str(exc), exc.status, final=True)
            except httpx.TimeoutException as exc:
                # A connect timeout never reached the server; any other may have been acted on.
                unsent = isinstance(exc, httpx.ConnectTimeout)
                return _Attempted(FindingKind.TIMEOUT, f"timed out ({type(exc).__name__})", unsent=unsent)
            except (httpx.RequestError, OSError) as exc:
                # httpx maps socket errors to RequestError; in-process transports (ASGI) can leak OSError.
                unsent = isinstance(exc, httpx.ConnectError)
                return _Attempted(FindingKind.CONNECTION, f"{type(exc).__name__}: {exc}", unsent=unsent)
        overrun = response.extensions.get(PROTOCOL_VIOLATION_KEY)
        if overrun is not None:  # the connection is closed already; this answer cannot be trusted
            message = f"HTTP {response.status_code}, then {overrun}"
            return _Attempted(FindingKind.PROTOCOL_VIOLATION, message, response.status_code, final=True)
        return Received(response.status_code, response.headers, content)

    def _refusal(self, response: Received) -> _Attempted:
        status = response.status_code
        kind = FindingKind.HTTP_429 if status == 429 else FindingKind.HTTP_5XX
        wait = self._retry_after(response.headers.get("retry-after"))
        return _Attempted(kind, f"HTTP {status}: {excerpt(response.content)}", status, wait)

    @property
    def given_up(self) -> bool:
        """Whether the server has answered none of the last `give_up_after` requests."""
        return self.give_up_after is not None and self.unanswered_in_a_row >= self.give_up_after

    def _finish(self, outcome: Outcome, attempts: int, started: float, operation: str | None) -> Outcome:
        if isinstance(outcome, Exchange):
            elapsed = round(time.perf_counter() - started, 4)
            outcome = replace(outcome, elapsed_s=elapsed, attempts=attempts, operation=operation)
        else:
            message = self.scrub(outcome.message)
            outcome = replace(outcome, message=message, attempts=attempts, operation=operation)
        if self.on_exchange is not None:
            self.on_exchange(outcome)
        return outcome

    def _retry_after(self, header: str | None) -> float | None:
        """Seconds to wait from a Retry-After header (delta seconds or an HTTP date), if it parses."""
        if header is None:
            return None
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - self._clock())

    async def _backoff(self, attempt: int, retry_after: float | None) -> None:
        if attempt >= self.retry.max_attempts:
            return
        if retry_after is not None:
            await self._sleep(retry_after)
            return
        ceiling = min(self.retry.backoff_cap_s, self.retry.backoff_base_s * 2 ** (attempt - 1))
        # "Equal jitter": at least half the exponential delay, so retries spread without collapsing to 0.
        await self._sleep(ceiling / 2 + self._rng.uniform(0, ceiling / 2))

    async def paginate(
        self,
        path_template: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str | int] | None = None,
        max_pages: int = 10,
        operation: str | None = None,
        expected_status: Collection[int] | None = None,
        bypass_budget: bool = False,
    ) -> AsyncGenerator[Outcome, None]:
        """Every page of a list, following `after`/`has_more`, `page`/`next_page` or `next`.

        Stops at `max_pages`, at the first finding (which it yields), or when a cursor repeats.
        """
        params: dict[str, str | int] = dict(query or {})
        seen: set[str] = set()
        for _ in range(max_pages):
            outcome = await self.get(
                path_template,
                path_params=path_params,
                query=params,
                operation=operation,
                expected_status=expected_status,
                bypass_budget=bypass_budget,
            )
            yield outcome
            if not isinstance(outcome, Exchange):
                return
            cursor = next_cursor(outcome.body)
            if cursor is None or cursor[1] in seen:
                return
            seen.add(cursor[1])
            params = {**params, cursor[0]: cursor[1]}


def next_cursor(body: Any) -> tuple[str, str] | None:
    """The query parameter and value that fetch the page after `body`, or None on the last page."""
    if not isinstance(body, dict) or body.get("has_more") is not True:
        return None
    if isinstance(body.get("next_page"), str) and body["next_page"]:
        return "page", body["next_page"]
    if isinstance(body.get("next"), str) and body["next"]:
        return "after", body["next"]
    if isinstance(body.get("last_id"), str) and body["last_id"]:
        return "after", body["last_id"]
    data = body.get("data")
    if isinstance(data, list) and data and isinstance(data[-1], dict) and isinstance(data[-1].get("id"), str):
        return "after", data[-1]["id"]
    return None
