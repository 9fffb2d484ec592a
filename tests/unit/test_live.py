"""LiveClient against httpx.MockTransport: retries, budget, concurrency, pagination, findings, secrecy."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Coroutine
from email.utils import formatdate
from typing import Any, TypeVar

import httpx
import pytest

from apidrift.live.client import (
    Exchange,
    FindingKind,
    LiveClient,
    LiveError,
    Outcome,
    ReadOnlyViolation,
    RetryPolicy,
    TransportFinding,
    fill_path,
    next_cursor,
)

# Key-shaped and unique, so a leak is findable; built at run time so no key-shaped text is committed.
KEY = "sk-admin-Zq8TopSecret" + "AdminKey0123456789"
NOW = 1_700_000_000.0
T = TypeVar("T")
Handler = (
    Callable[[httpx.Request], httpx.Response]
    | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
)


class Sleeps:
    """An injected sleep that records how long the client asked to wait, and does not wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def make_client(handler: Handler, sleeps: Sleeps | None = None, **kwargs: Any) -> LiveClient:
    kwargs.setdefault("retry", RetryPolicy(max_attempts=3))
    return LiveClient(
        KEY,
        base_url="https://api.test/v1",
        transport=httpx.MockTransport(handler),
        sleep=sleeps or Sleeps(),
        rng=random.Random(7),
        clock=lambda: NOW,
        **kwargs,
    )


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def ok(body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(
        200, json=body if body is not None else {"object": "list", "data": []}, headers=headers
    )


def sequence(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering with each response in turn (the last one repeats), and its request log."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses[min(len(seen), len(responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


def get(client: LiveClient, path: str = "/organization/projects", **kwargs: Any) -> Outcome:
    async def call() -> Outcome:
        async with client:
            return await client.get(path, **kwargs)

    return run(call())


# --- retries -------------------------------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says_in_seconds() -> None:
    handler, seen = sequence(httpx.Response(429, headers={"retry-after": "7"}), ok())
    sleeps = Sleeps()
    outcome = get(make_client(handler, sleeps))
    assert isinstance(outcome, Exchange)
    assert (outcome.status, outcome.attempts, len(seen)) == (200, 2, 2)
    assert sleeps.waits == [7.0]


def test_429_retry_after_as_an_http_date() -> None:
    date = formatdate(NOW + 30, usegmt=True)
    handler, _ = sequence(httpx.Response(429, headers={"retry-after": date}), ok())
    sleeps = Sleeps()
    assert isinstance(get(make_client(handler, sleeps)), Exchange)
    assert sleeps.waits == [30.0]


def test_retry_after_beyond_the_cap_is_reported_not_waited_for() -> None:
    handler, seen = sequence(httpx.Response(429, headers={"retry-after": "3600"}))
    sleeps = Sleeps()
    outcome = get(make_client(handler, sleeps))
    assert isinstance(outcome, TransportFinding)
    assert (outcome.kind, outcome.attempts, len(seen), sleeps.waits) == (FindingKind.HTTP_429, 1, 1, [])
    assert "over the cap" in outcome.message


def test_5xx_is_retried_with_jittered_exponential_backoff_then_reported() -> None:
    handler, seen = sequence(httpx.Response(503, json={"error": {"message": "overloaded"}}))
    sleeps = Sleeps()
    policy = RetryPolicy(max_attempts=4, backoff_base_s=1.0)
    outcome = get(make_client(handler, sleeps, retry=policy))
    assert isinstance(outcome, TransportFinding)
    assert (outcome.kind, outcome.status, outcome.attempts, len(seen)) == (FindingKind.HTTP_5XX, 503, 4, 4)
    assert "overloaded" in outcome.message
    assert len(sleeps.waits) == 3  # no wait after the last attempt
    for n, wait in enumerate(sleeps.waits):
        assert 2**n / 2 <= wait <= 2**n


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectError("refused"), FindingKind.CONNECTION),
        (httpx.ReadTimeout("slow"), FindingKind.TIMEOUT),
    ],
)
def test_connection_errors_and_timeouts_are_retried_then_reported(
    error: Exception, kind: FindingKind
) -> None:
    handler, seen = sequence(error)
    outcome = get(make_client(handler))
    assert isinstance(outcome, TransportFinding)
    assert (outcome.kind, outcome.attempts, len(seen)) == (kind, 3, 3)


def test_a_transient_failure_then_success_is_an_exchange_with_its_attempts() -> None:
    handler, _ = sequence(httpx.ConnectError("reset"), httpx.Response(502), ok())
    outcome = get(make_client(handler))
    assert isinstance(outcome, Exchange) and outcome.attempts == 3


def test_a_post_is_not_resent_when_the_server_may_have_acted_on_it() -> None:
    for answer in (httpx.Response(500), httpx.ReadTimeout("slow")):
        handler, seen = sequence(answer)
        client = make_client(handler, read_only=False)
        outcome = run(client.request("POST", "/organization/projects", json_body={"name": "x"}))
        assert isinstance(outcome, TransportFinding) and outcome.attempts == 1 and len(seen) == 1
    # ...but a 429 or a refused connection means it was not acted on: those are retried.
    handler, seen = sequence(httpx.Response(429), httpx.ConnectError("refused"), ok())
    client = make_client(handler, read_only=False)
    outcome = run(client.request("POST", "/organization/projects", json_body={"name": "x"}))
    assert isinstance(outcome, Exchange) and len(seen) == 3


def test_max_attempts_must_be_positive() -> None:
    with pytest.raises(LiveError):
        RetryPolicy(max_attempts=0)


# --- budget and concurrency ----------------------------------------------------------------------


def test_the_budget_counts_every_attempt_and_then_stops_calling() -> None:
    handler, seen = sequence(ok())
    client = make_client(handler, request_budget=3)

    async def five() -> list[Outcome]:
        return [await client.get("/organization/projects") for _ in range(5)]

    outcomes = run(five())
    assert len(seen) == 3
    assert [o.kind for o in outcomes if isinstance(o, TransportFinding)] == [FindingKind.BUDGET_EXHAUSTED] * 2
    assert all(o.attempts == 0 for o in outcomes[3:])
    assert client.budget_left == 0


def test_retries_spend_the_budget_too() -> None:
    handler, seen = sequence(httpx.Response(503))
    outcome = get(make_client(handler, request_budget=2, retry=RetryPolicy(max_attempts=5)))
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.BUDGET_EXHAUSTED
    assert len(seen) == 2 and "503" in outcome.message


def _calls(client: LiveClient, n: int) -> list[Outcome]:
    async def many() -> list[Outcome]:
        return [await client.get("/organization/projects") for _ in range(n)]

    return run(many())


def test_a_server_that_answers_nothing_is_given_up_on_after_so_many_requests_in_a_row() -> None:
    handler, seen = sequence(httpx.ReadTimeout("silence"))
    client = make_client(handler, retry=RetryPolicy(max_attempts=2), give_up_after=3)
    outcomes = _calls(client, 6)
    kinds = [o.kind for o in outcomes if isinstance(o, TransportFinding)]
    assert kinds == [FindingKind.TIMEOUT] * 3 + [FindingKind.SERVER_UNRESPONSIVE] * 3
    assert len(seen) == 6  # three requests of two attempts each; nothing after
    assert all(o.attempts == 0 for o in outcomes[3:])
    assert "last 3 requests got no answer" in outcomes[-1].message  # type: ignore[union-attr]


def test_any_answer_even_a_5xx_shows_the_server_is_there() -> None:
    silence = httpx.ConnectError("refused")
    handler, seen = sequence(silence, silence, httpx.Response(503), silence, silence, ok())
    client = make_client(handler, retry=RetryPolicy(max_attempts=1), give_up_after=3)
    outcomes = _calls(client, 6)
    assert not client.given_up and len(seen) == 6
    assert isinstance(outcomes[-1], Exchange)


def test_giving_up_can_be_turned_off_and_must_be_positive() -> None:
    handler, seen = sequence(httpx.ConnectError("refused"))
    outcomes = _calls(make_client(handler, retry=RetryPolicy(max_attempts=1), give_up_after=None), 12)
    assert len(seen) == 12 and {o.kind for o in outcomes if isinstance(o, TransportFinding)} == {
        FindingKind.CONNECTION
    }
    with pytest.raises(LiveError, match="give_up_after"):
        make_client(handler, give_up_after=0)


def test_the_concurrency_limit_is_never_exceeded() -> None:
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.005)
        in_flight -= 1
        return ok()

    client = make_client(handler, max_concurrency=3)

    async def many() -> list[Outcome]:
        return await asyncio.gather(*(client.get("/organization/projects") for _ in range(20)))

    outcomes = run(many())
    assert all(isinstance(o, Exchange) for o in outcomes)
    assert peak == 3


# --- pagination ----------------------------------------------------------------------------------


def paged(pages: int, style: str) -> tuple[Handler, list[dict[str, str]]]:
    """A list of `pages` pages, each of one item, linked in one of the three cursor styles."""
    queries: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        queries.append(query)
        cursor = query.get("page" if style == "next_page" else "after")
        n = 0 if cursor is None else int(cursor.split("_")[1]) + 1
        more = n < pages - 1
        body: dict[str, Any] = {"object": "list", "data": [{"id": f"item_{n}"}], "has_more": more}
        if style == "after":
            body |= {"first_id": f"item_{n}", "last_id": f"item_{n}"}
        else:
            body[style] = f"item_{n}" if more else None
        return ok(body)

    return handler, queries


def collect(client: LiveClient, **kwargs: Any) -> list[Outcome]:
    async def pages() -> list[Outcome]:
        return [o async for o in client.paginate("/organization/projects", query={"limit": 1}, **kwargs)]

    return run(pages())


@pytest.mark.parametrize(("style", "param"), [("after", "after"), ("next_page", "page"), ("next", "after")])
def test_pagination_follows_each_cursor_style_to_the_end(style: str, param: str) -> None:
    handler, queries = paged(4, style)
    outcomes = collect(make_client(handler), max_pages=10)
    assert [o.body["data"][0]["id"] for o in outcomes if isinstance(o, Exchange)] == [
        f"item_{n}" for n in range(4)
    ]
    assert [q.get(param) for q in queries] == [None, "item_0", "item_1", "item_2"]
    assert all(q["limit"] == "1" for q in queries)


def test_pagination_stops_at_the_page_cap() -> None:
    handler, queries = paged(50, "after")
    assert len(collect(make_client(handler), max_pages=3)) == 3 and len(queries) == 3


def test_pagination_stops_at_a_repeated_cursor_and_at_a_finding() -> None:
    handler, seen = sequence(ok({"data": [{"id": "a"}], "has_more": True, "last_id": "a"}))
    assert len(collect(make_client(handler), max_pages=10)) == 2 and len(seen) == 2
    handler, seen = sequence(ok({"data": [{"id": "a"}], "has_more": True}), httpx.Response(404, json={}))
    outcomes = collect(make_client(handler), max_pages=10)
    assert [type(o) for o in outcomes] == [Exchange, TransportFinding]


def test_next_cursor_reads_each_style() -> None:
    assert next_cursor({"has_more": False, "last_id": "x"}) is None
    assert next_cursor({"has_more": True, "next_page": "p2"}) == ("page", "p2")
    assert next_cursor({"has_more": True, "next": "g2"}) == ("after", "g2")
    assert next_cursor({"has_more": True, "data": [{"id": "a"}, {"id": "b"}]}) == ("after", "b")
    assert next_cursor([1, 2]) is None


# --- answers that are not JSON, statuses that were not expected ----------------------------------


def test_an_html_error_page_is_a_finding() -> None:
    page = httpx.Response(
        200, text="<html><body>Bad gateway</body></html>", headers={"content-type": "text/html"}
    )
    outcome = get(make_client(sequence(page)[0]))
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.HTML_ERROR_PAGE


def test_an_html_5xx_page_is_retried_and_reported_as_5xx() -> None:
    page = httpx.Response(502, text="<!doctype html><h1>502</h1>", headers={"content-type": "text/html"})
    outcome = get(make_client(sequence(page)[0]))
    assert isinstance(outcome, TransportFinding)
    assert (outcome.kind, outcome.attempts) == (FindingKind.HTTP_5XX, 3)
    assert "HTML" in outcome.message


def test_truncated_json_is_a_finding() -> None:
    truncated = httpx.Response(
        200, content=b'{"object": "list", "data": [{"id": "pro', headers={"content-type": "application/json"}
    )
    outcome = get(make_client(sequence(truncated)[0]))
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.MALFORMED_JSON


def test_an_undocumented_status_is_a_finding_a_documented_one_an_exchange() -> None:
    missing = httpx.Response(404, json={"error": {"message": "No such project"}})
    outcome = get(make_client(sequence(missing)[0]))
    assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.UNEXPECTED_STATUS
    assert outcome.status == 404 and "No such project" in outcome.message
    assert isinstance(get(make_client(sequence(missing)[0]), expected_status={200, 404}), Exchange)


def test_an_empty_body_is_none() -> None:
    outcome = get(make_client(sequence(httpx.Response(204))[0]))
    assert isinstance(outcome, Exchange) and outcome.body is None


def test_path_parameters_are_filled_and_encoded() -> None:
    handler, seen = sequence(ok({"id": "p"}))
    outcome = get(
        make_client(handler), "/organization/projects/{project_id}", path_params={"project_id": "a/b c"}
    )
    assert isinstance(outcome, Exchange)
    assert outcome.path == "/organization/projects/a%2Fb%20c"
    assert outcome.path_template == "/organization/projects/{project_id}"
    assert seen[0].url.raw_path == b"/v1/organization/projects/a%2Fb%20c"
    with pytest.raises(LiveError):
        fill_path("/organization/projects/{project_id}", {})


def test_on_exchange_sees_every_outcome() -> None:
    seen: list[Outcome] = []
    handler, _ = sequence(ok(), httpx.Response(404, json={}))
    client = make_client(handler, on_exchange=seen.append)

    async def two() -> None:
        await client.get("/a", operation="op-a")
        await client.get("/b", operation="op-b")

    run(two())
    assert [(type(o), o.operation) for o in seen] == [(Exchange, "op-a"), (TransportFinding, "op-b")]


# --- the key -------------------------------------------------------------------------------------


def test_the_key_is_sent_as_a_bearer_token() -> None:
    handler, seen = sequence(ok())
    get(make_client(handler))
    assert seen[0].headers["authorization"] == f"Bearer {KEY}"


def test_the_key_never_appears_in_repr_exchanges_findings_or_errors() -> None:
    client = make_client(sequence(ok())[0], request_budget=9)
    assert KEY not in repr(client) and KEY not in str(vars(client))

    def echo(request: httpx.Request) -> httpx.Response:
        token = request.headers["authorization"]
        return httpx.Response(
            200,
            json={"seen": token, "nested": [{"key": KEY}]},
            headers={"x-echo": token, "set-cookie": "s=1"},
        )

    exchange = get(make_client(echo))
    assert isinstance(exchange, Exchange)
    assert KEY not in repr(exchange) and "Bearer REDACTED" in json.dumps(exchange.body)
    assert exchange.headers["set-cookie"] == "REDACTED"

    rejected = httpx.Response(401, json={"error": {"message": f"Incorrect API key provided: {KEY}."}})
    refused = httpx.ConnectError(f"cannot connect with {KEY}")
    for answer in (rejected, refused):
        finding = get(make_client(sequence(answer)[0]))
        assert isinstance(finding, TransportFinding) and KEY not in repr(finding)
        assert "sk-admin-REDACTED" in finding.message

    for method, error in (("GET", LiveError), ("POST", ReadOnlyViolation)):
        with pytest.raises(error) as raised:
            run(make_client(sequence(ok())[0]).request(method, "/organization/projects/{project_id}"))
        assert KEY not in str(raised.value) and KEY not in repr(raised.value)


def test_an_empty_key_or_a_non_http_base_url_is_refused() -> None:
    with pytest.raises(LiveError, match="OPENAI_ADMIN_KEY is empty"):  # the profile's variable
        LiveClient("  ", base_url="https://api.test/v1")
    with pytest.raises(LiveError):
        LiveClient(KEY, base_url="ftp://api.test/v1")


def test_a_base_url_with_credentials_keeps_them_out_of_repr() -> None:
    client = LiveClient(KEY, base_url="https://user:hunter2@api.test:8443/v1/?token=abc")
    assert client.base_url == "https://api.test:8443/v1"
    assert "hunter2" not in repr(client) and "token" not in repr(client)


def test_a_read_only_client_refuses_anything_but_get_without_calling() -> None:
    handler, seen = sequence(ok())
    client = make_client(handler)
    for method in ("POST", "DELETE", "PUT", "PATCH"):
        with pytest.raises(ReadOnlyViolation):
            run(client.request(method, "/organization/projects"))
    assert seen == []
