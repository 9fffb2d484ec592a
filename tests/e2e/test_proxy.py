"""`apidrift proxy` over real HTTP: an SDK's client through the proxy yields the drift report, streams
pass through as they come, no secret reaches a file or a log line, and every way of stopping it
writes the report."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from apidrift.contracts.model import ContractStore
from apidrift.live.redaction import RedactionRules
from apidrift.profiles.model import load_profile
from apidrift.proxy import ProxyOptions, ProxyServer, ProxySession, check_session
from cli_support import run_cli
from conftest import ServeApp, StartSimulator

PLACEHOLDER = "sk-admin-REDACTED"


class RunningProxy:
    """A proxy served on a thread of the test; `stop()` returns its session."""

    def __init__(self, options: ProxyOptions) -> None:
        self.server = ProxyServer(options)
        self.url = self.server.url
        self._session: list[ProxySession] = []
        self._thread = threading.Thread(target=lambda: self._session.append(self.server.run()), daemon=True)
        self._thread.start()
        assert self.server.wait_ready(), "the proxy did not start"

    def stop(self) -> ProxySession:
        self.server.stop()
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the proxy did not stop"
        return self._session[0]


StartProxy = Callable[..., RunningProxy]


@pytest.fixture
def rules() -> RedactionRules:
    return RedactionRules.for_profile(load_profile("openai-admin"))


@pytest.fixture
def start_proxy(tmp_path: Path, rules: RedactionRules) -> Iterator[StartProxy]:
    running: list[RunningProxy] = []

    def start(upstream: str, **kwargs: Any) -> RunningProxy:
        kwargs.setdefault("har_dir", tmp_path / "har")
        proxy = RunningProxy(ProxyOptions(upstream=upstream, rules=rules, **kwargs))
        running.append(proxy)
        return proxy

    yield start
    for proxy in running:
        if proxy.server is not None:
            proxy.server.stop()


def test_the_openai_client_through_the_proxy_yields_the_usage_rename(
    start_simulator: StartSimulator, start_proxy: StartProxy, store: ContractStore, rules: RedactionRules
) -> None:
    openai = pytest.importorskip("openai")
    simulator = start_simulator("2026-05-02")
    proxy = start_proxy(simulator.base_url)
    client = openai.OpenAI(
        base_url=proxy.url + "/v1", api_key=PLACEHOLDER, admin_api_key=PLACEHOLDER, max_retries=0
    )
    usage = client.admin.organization.usage
    costs = usage.costs(start_time=0, limit=3)
    completions = usage.completions(start_time=0, limit=2)
    assert costs.data and completions.data  # the client got the upstream's answers through the proxy
    session = proxy.stop()
    assert session.exchanges == 2 and session.stopped_by == "stop"
    checked = check_session(store, session, against="2026-04-30", profile=load_profile("openai-admin"))
    renames = {(r.operation, r.old, r.new) for r in checked.report.renames}
    assert ("usage-costs", "data[].result", "data[].results") in renames
    assert checked.report.summary.failed == 2 and checked.report.exit_code == 1
    assert checked.report.metadata.base_url == simulator.base_url
    # The simulator saw what the client sent, through the proxy: the SDK's own path and query.
    with simulator.control() as control:
        seen = [(r["method"], r["path"], r["query"]) for r in control.get("/requests").json()["data"]]
    assert ("GET", "/v1/organization/costs", "start_time=0&limit=3") in seen


def test_the_cli_proxy_stops_after_max_exchanges_and_writes_har_and_reports(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    simulator = start_simulator("2026-05-02")
    port = _free_port()
    done: list[Any] = []
    args = ("proxy", "--upstream", simulator.base_url, "--port", str(port), "--against", "2026-04-30")
    thread = threading.Thread(
        target=lambda: done.append(run_cli(*args, "--max-exchanges", "2", "--reports", "out", cwd=tmp_path))
    )
    thread.start()
    headers = {"Authorization": f"Bearer {PLACEHOLDER}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}/v1", headers=headers, timeout=10) as client:
        _wait_listening(client)
        assert client.get("/organization/costs", params={"start_time": 0}).status_code == 200
        assert client.get("/chat/completions/nothing").status_code == 404  # not the version's: listed
    thread.join(timeout=60)
    result = done[0]
    assert result.returncode == 1, result.stderr
    assert f"proxy on http://127.0.0.1:{port} -> {simulator.base_url}" in result.stdout
    assert "stopped (max-exchanges) after 2 exchanges; out/proxy.har" in result.stdout
    assert "unmatched: proxy.har#/log/entries/1: GET /v1/chat/completions/nothing" in result.stdout
    assert "looks like a rename: `data[].result` → `data[].results`" in result.stdout
    har = json.loads((tmp_path / "out" / "proxy.har").read_text())
    assert har["log"]["version"] == "1.2" and len(har["log"]["entries"]) == 2
    assert (tmp_path / "out" / "report.json").is_file()


def test_a_stream_passes_through_as_it_comes(serve_app: ServeApp, start_proxy: StartProxy) -> None:
    release = threading.Event()
    finished = threading.Event()
    events = [b'data: {"n": 1}\n\n', b'data: {"n": 2}\n\n', b"data: [DONE]\n\n"]

    async def trickle(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": events[0], "more_body": True})
        # The rest waits until the client has the first event (or 20 s, so a broken proxy fails).
        deadline = time.monotonic() + 20
        while not release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        for event in events[1:]:
            await send({"type": "http.response.body", "body": event, "more_body": True})
        finished.set()
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    proxy = start_proxy(serve_app(trickle))
    received = []
    with (
        httpx.Client(timeout=30) as client,
        client.stream("GET", proxy.url + "/v1/responses/stream") as response,
    ):
        assert response.headers["content-type"] == "text/event-stream"
        assert "content-length" not in response.headers  # chunked as the upstream sent it
        for chunk in response.iter_raw():
            if not received:
                assert not finished.is_set(), "the first event came only after the upstream finished"
                release.set()
            received.append(chunk)
    assert b"".join(received) == b"".join(events)  # untouched
    session = proxy.stop()
    har = json.loads(session.har_files[0].read_text())
    content = har["log"]["entries"][0]["response"]["content"]
    assert content["mimeType"] == "text/event-stream" and content["text"] == b"".join(events).decode()


def test_bodies_over_the_cap_pass_through_but_are_not_kept(
    start_simulator: StartSimulator, start_proxy: StartProxy, store: ContractStore, rules: RedactionRules
) -> None:
    simulator = start_simulator("2026-05-02")
    proxy = start_proxy(simulator.base_url, body_cap=64)
    with simulator.client() as direct, httpx.Client(base_url=proxy.url + "/v1", timeout=10) as client:
        through = client.get("/organization/costs", params={"start_time": 0}, headers=direct.headers)
        assert through.status_code == 200 and len(through.content) > 64
    session = proxy.stop()
    assert [(f.kind, f.path) for f in session.findings] == [("too_large", "/v1/organization/costs")]
    assert f"response body of {len(through.content)} bytes" in session.findings[0].message
    entry = json.loads(session.har_files[0].read_text())["log"]["entries"][0]
    assert "text" not in entry["response"]["content"]
    checked = check_session(store, session, against="2026-05-02", profile=load_profile("openai-admin"))
    assert [t.kind for t in checked.report.transport_findings] == ["too_large"]


def test_an_upstream_that_does_not_answer_is_a_502_and_a_finding(start_proxy: StartProxy) -> None:
    proxy = start_proxy(f"http://127.0.0.1:{_free_port()}")
    with httpx.Client(timeout=10) as client:
        answer = client.get(proxy.url + "/v1/organization/projects")
    assert answer.status_code == 502 and answer.json()["error"]["type"] == "proxy_error"
    session = proxy.stop()
    assert [f.kind for f in session.findings] == ["connection"]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_no_secret_reaches_a_file_or_a_log_line_and_a_signal_writes_the_report(
    start_simulator: StartSimulator, tmp_path: Path, stop: signal.Signals
) -> None:
    # Key-shaped, built at run time: sent as the credential, echoed back by the upstream in a header
    # and a body, and put in a query string by the client.
    key = "sk-admin-" + "Planted" + "0123456789abcdef" * 2
    simulator = start_simulator("2026-05-02", wrap=lambda app: _EchoKey(app))
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    command = [sys.executable, "-m", "apidrift.cli", "proxy", "--upstream", simulator.base_url]
    command += ["--against", "2026-04-30", "--reports", "out"]
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().decode()
        match = re.search(r"proxy on (http://127\.0\.0\.1:\d+)", first)
        assert match, first
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=match.group(1) + "/v1", headers=headers, timeout=10) as client:
            assert client.get("/organization/costs", params={"start_time": 0, "note": key}).status_code == 200
            assert client.get("/organization/projects").status_code == 200
        proc.send_signal(stop)
        rest, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    stdout = first.encode() + rest
    assert proc.returncode == 1, stderr.decode()
    assert b"stopped (signal) after 2 exchanges" in stdout
    written = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert {"out/proxy.har", "out/report.json", "out/report.html"} <= set(written)
    outputs = {"stdout": stdout, "stderr": stderr} | written
    assert [where for where, data in outputs.items() if key.encode() in data] == []
    assert b"Traceback" not in stderr
    har = json.loads(written["out/proxy.har"])
    entry = har["log"]["entries"][0]
    assert {"name": "authorization", "value": "REDACTED"} in entry["request"]["headers"]
    assert {"name": "x-echo-key", "value": "sk-admin-REDACTED"} in entry["response"]["headers"]


class _EchoKey:
    """Test-only middleware: the upstream echoes the request's bearer token in a header of every answer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        token = b""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                token = value.split(b" ", 1)[-1]

        async def echo(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and token:
                message = {**message, "headers": [*message["headers"], (b"x-echo-key", token)]}
            await send(message)

        await self.app(scope, receive, echo)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_listening(client: httpx.Client) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            client.get(str(client.base_url).rsplit("/v1", 1)[0] + "/__apidrift__/proxy/status")
            return
        except httpx.TransportError:
            time.sleep(0.02)
    raise AssertionError("the proxy did not start")


def test_a_stream_whose_client_left_is_closed_upstream(serve_app: ServeApp, start_proxy: StartProxy) -> None:
    sent: list[int] = []
    closed = threading.Event()

    async def endless(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return

        async def until_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            closed.set()  # the proxy closed its connection to the upstream

        watcher = asyncio.ensure_future(until_disconnect())
        headers = [(b"content-type", b"text/event-stream")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        while not closed.is_set():
            await send({"type": "http.response.body", "body": b"data: {}\n\n", "more_body": True})
            sent.append(1)
            await asyncio.sleep(0.02)
        await watcher

    proxy = start_proxy(serve_app(endless))
    with httpx.Client(timeout=30) as client, client.stream("GET", proxy.url + "/v1/events") as response:
        chunks = response.iter_raw()
        next(chunks)
        next(chunks)
    assert closed.wait(10), "the upstream's stream was read on after the client left"
    session = proxy.stop()
    assert [f.message for f in session.findings if f.kind == "connection"] == [
        "the client left before the answer ended; the upstream's stream was closed"
    ]


def test_a_chunked_request_body_reaches_the_upstream_whole(
    serve_app: ServeApp, start_proxy: StartProxy
) -> None:
    async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        framing = dict(scope["headers"]).get(b"transfer-encoding", b"").decode()
        answer = json.dumps({"received": body.decode(), "framing": framing}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]
        await send({"type": "http.response.start", "status": 201, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    proxy = start_proxy(serve_app(echo))

    def parts() -> Iterator[bytes]:
        yield b'{"name": '
        yield b'"chunked"}'

    with httpx.Client(timeout=10) as client:
        answer = client.post(proxy.url + "/v1/organization/projects", content=parts())
    assert answer.status_code == 201
    assert answer.json() == {"received": '{"name": "chunked"}', "framing": "chunked"}
    session = proxy.stop()
    request = json.loads(session.har_files[0].read_text())["log"]["entries"][0]["request"]
    assert request["bodySize"] == 19 and json.loads(request["postData"]["text"]) == {"name": "chunked"}


def test_the_proxy_takes_the_flags_every_command_shares(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    """--format picks the report files; --operation narrows what is judged (the costs rename is not)."""
    simulator = start_simulator("2026-05-02")
    port = _free_port()
    done: list[Any] = []
    args = ("proxy", "--upstream", simulator.base_url, "--port", str(port), "--against", "2026-04-30")
    flags = ("--format", "md", "--format", "sarif", "--operation", "list-invites", "--reports", "out")
    thread = threading.Thread(
        target=lambda: done.append(run_cli(*args, "--max-exchanges", "1", *flags, cwd=tmp_path))
    )
    thread.start()
    headers = {"Authorization": f"Bearer {PLACEHOLDER}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}/v1", headers=headers, timeout=10) as client:
        _wait_listening(client)
        assert client.get("/organization/costs", params={"start_time": 0}).status_code == 200
    thread.join(timeout=60)
    result = done[0]
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["proxy.har", "report.md", "report.sarif"]
    assert "data[].results" not in (tmp_path / "out" / "report.md").read_text()

    refused = run_cli(*args, "--operation", "no-such-*", cwd=tmp_path)
    assert refused.returncode == 2 and "--operation no-such-* selects no operation" in refused.stderr
