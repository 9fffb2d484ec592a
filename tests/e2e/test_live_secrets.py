"""No secret reaches a file written or stdout/stderr: the admin key, keys a write run creates, and
keys planted in response bodies and headers by a test-only wrapper around the simulator."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import StartSimulator


def fake_key(kind: str, label: str) -> str:
    """A key-shaped fake, unique per test value; built at run time so no key-shaped text is committed."""
    return f"sk-{kind}-{label}" + "0123456789abcdef" * 2


ADMIN_KEY = fake_key("admin", "PlantedAdminKey")
PLANTED_BODY = fake_key("proj", "PlantedInBody")
PLANTED_HEADER = fake_key("svcacct", "PlantedInHeader")
KEY_SHAPE = re.compile(rb"sk-(?:admin-|proj-|svcacct-)?[A-Za-z0-9_-]{16,}")


class PlantSecrets:
    """ASGI middleware: every JSON body gains a key-shaped field; every response a key-bearing header.
    It also remembers every key-shaped string the server sent (e.g. created service-account keys)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sent: set[bytes] = set()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/__apidrift__"):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            if any(k.lower() == b"content-type" and b"json" in v for k, v in headers):
                try:
                    document = json.loads(body)
                    if isinstance(document, dict):
                        document["debug_token"] = PLANTED_BODY
                        body = json.dumps(document).encode()
                except ValueError:
                    pass
            self.sent |= set(KEY_SHAPE.findall(body))
            headers += [
                (b"x-debug-key", PLANTED_HEADER.encode()),
                (b"content-length", str(len(body)).encode()),
            ]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def test_planted_and_created_secrets_never_reach_disk_or_output(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    planter: list[PlantSecrets] = []

    def wrap(app: Any) -> PlantSecrets:
        planter.append(PlantSecrets(app))
        return planter[0]

    server = start_simulator("2026-05-02", wrap=wrap)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "OPENAI_ADMIN_KEY": ADMIN_KEY, "NO_COLOR": "1", "COLUMNS": "200"}
    command = [sys.executable, "-m", "apidrift.cli", "check", "--live", "--base-url", server.base_url + "/v1"]
    command += ["--allow-writes", "--sandbox-project", "apidrift-sandbox", "--record", "rec"]
    command += ["--ledger", "ledger.jsonl"]
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, timeout=180)
    secrets = {ADMIN_KEY.encode(), PLANTED_BODY.encode(), PLANTED_HEADER.encode()} | planter[0].sent
    created = [s for s in planter[0].sent if s.startswith(b"sk-svcacct-") and s != PLANTED_HEADER.encode()]
    assert created, "the write run created a service account whose key the server sent"
    assert list((work / "rec").glob("*.json")), "the run recorded responses"
    assert (work / "reports" / "report.html").is_file()
    outputs = {"stdout": done.stdout, "stderr": done.stderr}
    outputs |= {str(p.relative_to(work)): p.read_bytes() for p in sorted(work.rglob("*")) if p.is_file()}
    leaks = {where: [s.decode() for s in secrets if s in data] for where, data in outputs.items()}
    assert {where: found for where, found in leaks.items() if found} == {}
    # Redaction keeps the shape: a redacted recording still says which kind of key it was.
    recorded = b"".join((work / "rec" / name).read_bytes() for name in os.listdir(work / "rec"))
    assert b"sk-proj-REDACTED" in recorded


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "ci-cancel"])
def test_an_interrupted_live_run_still_writes_its_report(
    start_simulator: StartSimulator, tmp_path: Path, stop: signal.Signals
) -> None:
    server = start_simulator("2026-05-02", latency_ms=150)
    env = {**os.environ, "OPENAI_ADMIN_KEY": ADMIN_KEY, "NO_COLOR": "1", "COLUMNS": "200"}
    command = [sys.executable, "-m", "apidrift.cli", "check", "--live", "--base-url", server.base_url + "/v1"]
    command += ["--record", "rec", "--concurrency", "1"]
    # Ctrl-C as a terminal sends it: a test run started in the background (`cmd &`, as CI scripts do)
    # ignores SIGINT, and its children would inherit that and rightly keep ignoring it.
    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    rec = tmp_path / "rec"
    deadline = time.monotonic() + 60
    while len(list(rec.glob("*.json"))) < 3:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(stop)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stderr.decode()
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert report["interrupted"] is True
    recorded = len(list(rec.glob("*.json")))
    assert report["summary"]["responses"] == recorded >= 3, (
        "every response gathered before the interrupt is checked"
    )
    assert any(s["reason"] == "interrupted" for s in report["skipped"])
    assert b"Traceback" not in stderr
