"""`check --cassettes` and `check --har` on traffic written by the real tools, in the test, against the
simulator: cassettes recorded by vcrpy (YAML and JSON serializers) around httpx calls, and a HAR
written by Playwright's recorder (Chromium). Contracts of 2026-04-30 judging a 2026-05-02 simulator
find the usage rename on the response side, and a request sent with a field of 2026-05-02 (`role_id`
where 2026-04-30 documents `role`) is a rename on the request side."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr

from cli_support import run_cli
from conftest import StartSimulator

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None)


def _key() -> str:
    # Key-shaped, built at run time: no secret, not even a fake one, sits in the source.
    return "sk-" + "admin-" + secrets.token_hex(16)


def _traffic(client: httpx.Client, key: str) -> None:
    """What an SDK's integration test of 2026-05-02 sends: reads, and a write with `role_id`."""
    usage = client.get("/organization/usage/completions", params={"start_time": 1730419200, "note": key})
    assert usage.status_code == 200, usage.text
    users = client.get("/organization/users", headers={"X-Debug-Token": key}).json()["data"]
    roles = client.get("/organization/roles").json()["data"]
    done = client.post(f"/organization/users/{users[0]['id']}", json={"role_id": roles[0]["id"], "note": key})
    assert done.status_code == 200, done.text


def _written(*folders: Path) -> str:
    return "".join(p.read_text(errors="replace") for f in folders for p in f.rglob("*") if p.is_file())


def _check(tmp_path: Path, *args: str) -> tuple[Any, dict[str, Any]]:
    done = run_cli(*args, "--against", "2026-04-30", "--reports", "out", "--record", "rec", cwd=tmp_path)
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    return done, report


def _assert_both_renames(done: Any, report: dict[str, Any]) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "looks like a rename: `data[].result` → `data[].results`" in done.stdout
    assert "request rename: modify-user: `role` (2026-04-30) sent as `role_id`" in done.stdout
    requested = [r for r in report["renames"] if r.get("side") == "request"]
    assert {(r["operation"], r["old"], r["new"], r["old_in"], r["severity"]) for r in requested} == {
        ("modify-user", "role", "role_id", "2026-04-30", "breaking")
    }
    responded = {
        (r["operation"], r["old"], r["new"]) for r in report["renames"] if r.get("side") == "response"
    }
    assert ("usage-completions", "data[].result", "data[].results") in responded
    missing = [
        f
        for f in report["findings"]
        if f.get("side") == "request" and f["kind"] == "request-schema-violation"
    ]
    assert {(f["operation"], f["path"]) for f in missing} == {("modify-user", "role")}
    assert any("fingerprint: closest to 2026-05-02" in e for f in missing for e in f["evidence"])


def test_cassettes_recorded_by_vcrpy_find_the_renames_on_both_sides(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02")
    key = _key()
    cassettes = tmp_path / "cassettes"
    headers = {"Authorization": f"Bearer {key}"}
    for serializer, name in (("yaml", "sdk/test_users.yaml"), ("json", "sdk/nested/test_users.json")):
        recorder = vcr.VCR(serializer=serializer, record_mode="all")
        with (
            recorder.use_cassette(str(cassettes / name)),
            httpx.Client(base_url=server.base_url + "/v1", headers=headers, timeout=10) as client,
        ):
            _traffic(client, key)
    assert key in _written(cassettes)  # vcrpy wrote what was sent, the key included
    done, report = _check(tmp_path, "check", "--cassettes", "cassettes")
    _assert_both_renames(done, report)
    # Both cassettes, every interaction: 4 per cassette, none unmatched.
    assert report["summary"]["responses"] == 8 and report["unmatched"] == []
    where = {f["file"].split("#")[0] for f in report["findings"] if f.get("side") == "request"}
    assert where == {"sdk/test_users.yaml", "sdk/nested/test_users.json"}
    assert key not in _written(tmp_path / "out", tmp_path / "rec") + done.stdout + done.stderr


def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    return CHROMIUM


_FETCHES = """async ([key]) => {
  const get = (url, headers) => fetch(url, {headers}).then(r => r.json());
  await get('/v1/organization/usage/completions?start_time=1730419200&note=' + key, {});
  const users = (await get('/v1/organization/users', {'X-Debug-Token': key})).data;
  const roles = (await get('/v1/organization/roles', {})).data;
  const done = await fetch('/v1/organization/users/' + users[0].id, {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({role_id: roles[0].id, note: key})});
  await done.text();  // a body never read is not in the HAR (Playwright records it as size -1)
  return done.status;
}"""


def test_a_har_recorded_by_playwright_finds_the_renames_on_both_sides(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    server = start_simulator("2026-05-02")
    key = _key()
    har = tmp_path / "session.har"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(
            record_har_path=str(har),
            record_har_content="embed",
            extra_http_headers={"Authorization": f"Bearer {key}"},
        )
        page = context.new_page()
        # The first page is itself an API call: every later fetch is same-origin.
        page.goto(server.base_url + "/v1/organization/projects")
        assert page.evaluate(_FETCHES, [key]) == 200
        context.close()  # writes the HAR
        browser.close()
    document = json.loads(har.read_text())
    assert document["log"]["creator"]["name"] == "Playwright"
    assert key in har.read_text()
    done, report = _check(tmp_path, "check", "--har", "session.har")
    _assert_both_renames(done, report)
    assert report["summary"]["responses"] == 5
    assert key not in _written(tmp_path / "out", tmp_path / "rec") + done.stdout + done.stderr
