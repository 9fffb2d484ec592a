"""`apidrift proxy` in front of a hostile upstream (a raw-socket server on 127.0.0.1): an answer that
breaks off short of its Content-Length, bytes that are not HTTP, an HTML error page, malformed JSON.
The client gets what the upstream gave (cut off, or a 502), the proxy keeps serving, a fault is a
`connection` finding about that exchange, and a body that is not JSON is listed with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_proxy import RunningProxy

from apidrift.contracts.model import ContractStore
from apidrift.live.redaction import RedactionRules
from apidrift.profiles.model import load_profile
from apidrift.proxy import ProxyOptions, check_session
from hostile_server import hostile_server, response

PROJECTS = "/v1/organization/projects"
LISTING = {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


@pytest.fixture
def proxy_to(tmp_path: Path) -> Iterator[object]:
    running: list[RunningProxy] = []

    def start(upstream: str) -> RunningProxy:
        rules = RedactionRules.for_profile(load_profile("openai-admin"))
        proxy = RunningProxy(ProxyOptions(upstream=upstream, rules=rules, har_dir=tmp_path / "har"))
        running.append(proxy)
        return proxy

    yield start
    for proxy in running:
        proxy.server.stop()


def _answer(raw: bytes) -> object:
    """`raw` for the request marked `x-first`; a good listing for every other (the proxy still serves)."""
    return lambda request, n: raw if request.headers.get("x-first") else response(200, LISTING)


BROKEN = {
    "broke off": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
    b'Connection: close\r\n\r\n{"object": "li',
    "not http": b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_answer_is_a_finding_and_the_proxy_keeps_serving(case: str, proxy_to: object) -> None:
    with hostile_server(_answer(BROKEN[case])) as upstream:
        proxy = proxy_to(upstream.base_url)  # type: ignore[operator]
        with httpx.Client(timeout=10) as client:
            try:
                first = client.get(proxy.url + PROJECTS, headers={"x-first": "1"})
                status: int | None = first.status_code
            except httpx.HTTPError:
                status = None  # the answer began and was cut off: the client sees it cut off too
            second = client.get(proxy.url + PROJECTS)
        session = proxy.stop()
    assert status in (None, 502)
    assert second.status_code == 200 and second.json() == LISTING
    assert [f.kind for f in session.findings] == ["connection"], session.findings
    assert session.findings[0].path == PROJECTS


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 38\r\n\r\n"
         b"<html><body>Bad gateway</body></html>\n", "the response is not JSON (text/html)"),
        (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"object\": [",
         "the response body is not JSON: Expecting value at line 1 column 13"),
    ],
    ids=["html error page", "malformed json"],
)  # fmt: skip
def test_an_answer_that_is_not_json_passes_through_and_is_listed_with_why(
    raw: bytes, reason: str, proxy_to: object, store: ContractStore
) -> None:
    """As `check --har` says it (README): under `unmatched` with the reason, or an error about the
    exchange where the operation documents JSON; never dropped."""
    with hostile_server(_answer(raw)) as upstream:
        proxy = proxy_to(upstream.base_url)  # type: ignore[operator]
        with httpx.Client(timeout=10) as client:
            first = client.get(proxy.url + PROJECTS, headers={"x-first": "1"})
        session = proxy.stop()
    assert first.content == raw.split(b"\r\n\r\n", 1)[1]  # passed through as it came
    checked = check_session(store, session, against="2026-05-02", profile=load_profile("openai-admin"))
    if first.status_code == 502:  # a status the operation documents no JSON body for: listed
        assert [(u.method, u.path, u.reason) for u in checked.unmatched] == [("GET", PROJECTS, reason)]
    else:  # where it documents JSON, a body that is not is an error about the exchange
        assert checked.unmatched == ()
        [problem] = checked.problems
        assert problem.endswith(f": {reason}, where list-projects documents a JSON body for 200"), problem
    assert session.findings == ()  # the upstream answered: no transport fault
