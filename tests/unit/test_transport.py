"""What LiveClient puts on the wire, against a raw-socket server on 127.0.0.1 that logs every request
as it arrived: ids as opaque segments, a URL that stays in its template, no cookies sent back, and a
response that overruns its end closing its connection instead of answering the next request."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from apidrift.live.client import Exchange, FindingKind, LiveClient, RetryPolicy, TransportFinding
from apidrift.live.transport import encode_segment, fill_path, leaves_template
from hostile_server import RawRequest, hostile_server, response

KEY = "sk-admin-REDACTED"
HOSTILE_IDS = ["..", ".", "a/b", "%2F", "?x", "#y", "%2E%2E", "../../organization"]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def client(base_url: str, **kwargs: Any) -> LiveClient:
    kwargs.setdefault("retry", RetryPolicy(max_attempts=1))
    return LiveClient(KEY, base_url=base_url + "/v1", **kwargs)


@pytest.mark.parametrize("ident", HOSTILE_IDS)
def test_an_id_is_one_encoded_segment_on_the_wire(ident: str) -> None:
    with hostile_server(lambda req, n: response(200, {"id": "x"})) as server:

        async def go() -> Any:
            async with client(server.base_url) as live:
                return await live.get(
                    "/organization/projects/{project_id}/users", path_params={"project_id": ident}
                )

        outcome = run(go())
    assert isinstance(outcome, Exchange)
    [seen] = server.requests
    assert seen.target == f"/v1/organization/projects/{encode_segment(ident)}/users"
    segments = seen.path.split("/")
    assert len(segments) == 6 and "." not in segments and ".." not in segments


def test_dot_segments_are_spelled_with_encoded_dots() -> None:
    assert encode_segment("..") == "%2E%2E"
    assert encode_segment(".") == "%2E"
    # A dot inside an ordinary id is left alone: only whole dot segments are path syntax.
    assert encode_segment("file-1.json") == "file-1.json"
    assert fill_path("/a/{x}/b/{y}", {"x": "{y}", "y": "..."}) == "/a/%7By%7D/b/..."


def test_a_url_that_leaves_its_template_is_never_sent() -> None:
    with hostile_server(lambda req, n: response(200, {})) as server:

        async def go() -> list[Any]:
            async with client(server.base_url) as live:
                # A template with a literal dot segment, and an empty id: neither is an instance of the
                # template once httpx has normalised it.
                first = await live.get("/organization/projects/../users")
                second = await live.get("/organization/projects/{project_id}", path_params={"project_id": ""})
                return [first, second]

        outcomes = run(go())
    assert server.requests == []
    for outcome in outcomes:
        assert isinstance(outcome, TransportFinding) and outcome.kind is FindingKind.UNSAFE_PATH
        assert outcome.attempts == 0 and outcome.message.startswith("not sent:")


def test_leaves_template_names_each_way_out() -> None:
    base = httpx.URL("http://127.0.0.1:1/v1/")

    def why(template: str, path: str, url: str) -> str | None:
        return leaves_template(template, path, base, httpx.URL(url))

    assert why("/p/{id}", "/p/%2E%2E", "http://127.0.0.1:1/v1/p/%2E%2E") is None
    assert "would go out as /v1/p, not /v1/p/q/.." in str(
        why("/p/{id}/..", "/p/q/..", "http://127.0.0.1:1/v1/p/q/..")
    )
    assert "not /v1/p/x" in str(why("/p/{id}", "/p/x", "http://127.0.0.1:1/p/x"))
    assert "host" in str(why("/p/{id}", "/p/x", "http://evil.test:1/v1/p/x"))
    assert "not an instance" in str(why("/p/{id}", "/p/a/b", "http://127.0.0.1:1/v1/p/a/b"))
    assert "not an instance" in str(why("/p/{id}", "/p/", "http://127.0.0.1:1/v1/p/"))


def test_no_cookie_is_ever_sent_back() -> None:
    def answer(req: RawRequest, n: int) -> bytes:
        cookie = {"Set-Cookie": f"session={KEY}; Path=/"}
        if req.path.endswith("/redirect"):
            return response(302, None, headers={**cookie, "Location": "/v1/elsewhere"})
        return response(200, {"ok": True}, headers=cookie)

    with hostile_server(answer) as server:

        async def go() -> None:
            async with client(server.base_url) as live:
                await live.get("/first")
                await live.get("/redirect")
                await live.get("/second")
                await live.get("/third")

        run(go())
    assert [r.path for r in server.requests] == ["/v1/first", "/v1/redirect", "/v1/second", "/v1/third"]
    assert all("cookie" not in r.headers for r in server.requests)


SMUGGLED = response(200, {"id": "smuggled"})


@pytest.mark.parametrize(
    "first",
    [
        # A body on a 204: the body is a whole response meant to answer the next request.
        b"HTTP/1.1 204 No Content\r\n\r\n" + SMUGGLED,
        # A Content-Length shorter than the body: the rest is another response.
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" + SMUGGLED,
        b"HTTP/1.1 304 Not Modified\r\n\r\n" + SMUGGLED,
    ],
    ids=["body-on-204", "content-length-lies", "body-on-304"],
)
def test_a_response_that_overruns_its_end_answers_nothing_else(first: bytes) -> None:
    def answer(req: RawRequest, n: int) -> bytes:
        return first if req.path.endswith("/first") else response(200, {"id": "right"})

    with hostile_server(answer) as server:

        async def go() -> list[Any]:
            async with client(server.base_url, max_concurrency=1) as live:
                one = await live.request("GET", "/first", expected_status={200, 204, 304})
                two = await live.get("/second")
                three = await live.get("/third")
                return [one, two, three]

        one, two, three = run(go())
    assert isinstance(one, TransportFinding) and one.kind is FindingKind.PROTOCOL_VIOLATION
    assert "bytes followed the end of the response" in one.message and one.attempts == 1
    assert isinstance(two, Exchange) and two.body == {"id": "right"}
    assert isinstance(three, Exchange) and three.body == {"id": "right"}
    # The violating connection was closed; the next request got a fresh one, which was then reused.
    assert [r.connection for r in server.requests] == [1, 2, 2]


def test_without_the_guard_httpx_would_hand_the_smuggled_answer_to_the_next_request() -> None:
    """Why ForgetfulTransport exists: plain httpx reads the 204's body as the next response."""

    def answer(req: RawRequest, n: int) -> bytes:
        return b"HTTP/1.1 204 No Content\r\n\r\n" + SMUGGLED if n == 1 else response(200, {"id": "right"})

    with hostile_server(answer) as server:

        async def go() -> bytes:
            async with httpx.AsyncClient(base_url=server.base_url) as plain:
                await plain.get("/first")
                return (await plain.get("/second")).content

        assert json.loads(run(go())) == {"id": "smuggled"}


def test_a_content_length_longer_than_the_body_is_a_connection_finding_for_that_request_only() -> None:
    def answer(req: RawRequest, n: int) -> bytes:
        if req.path.endswith("/first"):
            return b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{}"
        return response(200, {"id": "right"})

    with hostile_server(answer) as server:

        async def go() -> list[Any]:
            async with client(server.base_url) as live:
                return [await live.get("/first"), await live.get("/second")]

        first, second = run(go())
    assert isinstance(first, TransportFinding) and first.kind is FindingKind.CONNECTION
    assert "incomplete" in first.message or "complete message body" in first.message
    assert isinstance(second, Exchange) and second.body == {"id": "right"}
