"""HAR files (as mitmproxy, browsers and proxies export them) checked like recordings: matched to
operations by method and path template, redacted, validated, fingerprinted; unmatched entries listed."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from apidrift.contracts.model import ContractStore
from apidrift.traffic.check import check_traffic_files
from cli_support import run_cli

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"
KEY = "sk-admin-REDACTED"  # a placeholder; as the request's credential, redaction must still remove it


def _entry(method: str, url: str, status: int, body: Any, *, base64_body: bool = False) -> dict[str, Any]:
    text = json.dumps(body)
    content: dict[str, Any] = {"size": len(text), "mimeType": "application/json", "text": text}
    if base64_body:
        content.update(text=base64.b64encode(text.encode()).decode(), encoding="base64")
    return {
        "startedDateTime": "2026-11-30T12:00:00.000Z",
        "time": 12.5,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Authorization", "value": f"Bearer {KEY}"}],
            "queryString": [{"name": "limit", "value": "7"}] if "?" in url else [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Content-Type", "value": "application/json"},
                {"name": "X-Echo", "value": KEY},
            ],
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(text),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 12, "receive": 0.5},
    }


def _har(tmp_path: Path, entries: list[dict[str, Any]]) -> Path:
    har = {"log": {"version": "1.2", "creator": {"name": "mitmproxy", "version": "11"}, "entries": entries}}
    path = tmp_path / "traffic.har"
    path.write_text(json.dumps(har))
    return path


def _body(version: str, operation: str) -> Any:
    return json.loads((RECORDINGS / version / f"{operation}.json").read_text())["body"]


def test_entries_become_recordings_matched_past_a_base_path_and_redacted(tmp_path: Path) -> None:
    costs = _body("2026-05-02", "usage-costs")
    key = _body("2026-05-02", "retrieve-project-api-key")
    har = _har(
        tmp_path,
        [
            _entry("GET", "https://api.openai.com/v1/organization/costs?limit=7", 200, costs),
            _entry(
                "GET",
                "https://api.openai.com/v1/organization/projects/proj_1/api_keys/key_9",
                200,
                key,
                base64_body=True,
            ),
            _entry("GET", "https://api.openai.com/v1/chat/completions", 200, {"id": "x"}),
            _entry("GET", "https://api.openai.com/v1/organization/projects", 200, {"x": 1})
            | {
                "response": {
                    "status": 200,
                    "headers": [],
                    "content": {"mimeType": "text/html", "text": "<p>"},
                }
            },
        ],
    )
    made = check_traffic_files(ContractStore(), har=[har], record=tmp_path / "rec")
    written = sorted(p.name for p in (tmp_path / "rec").iterdir())
    assert written == ["retrieve-project-api-key.json", "usage-costs.json"]
    costs_rec = json.loads((tmp_path / "rec" / "usage-costs.json").read_text())
    assert (costs_rec["operation"], costs_rec["path"]) == ("usage-costs", "/organization/costs")
    assert costs_rec["query"] == {"limit": "7"}
    key_rec = json.loads((tmp_path / "rec" / "retrieve-project-api-key.json").read_text())
    assert key_rec["path"] == "/organization/projects/proj_1/api_keys/key_9"
    assert [u.reason for u in made.unmatched] == ["no operation of the version has this method and path"]
    # An HTML page where the operation documents JSON is an error about that entry, not left unchecked.
    [error] = made.run.input_errors
    assert (error.file, error.pointer) == ("traffic.har", "/log/entries/3")
    assert error.message.startswith("the response is not JSON (text/html), where list-projects documents")
    assert KEY not in "".join(p.read_text() for p in (tmp_path / "rec").iterdir())
    assert made.run.checked == 2 and len(made.requests) == 3


def test_check_har_names_the_rename_a_client_of_the_old_version_meets(tmp_path: Path) -> None:
    har = _har(
        tmp_path,
        [
            _entry(
                "GET", "https://api.openai.com/v1/organization/costs", 200, _body("2026-05-02", "usage-costs")
            )
        ],
    )
    done = run_cli("check", "--har", str(har), "--against", "2026-04-30", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert "looks like a rename: `data[].result` → `data[].results`" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["summary"]["responses"] == 1 and report["summary"]["failed"] == 1


def test_a_har_with_nothing_the_version_documents_fails_instead_of_passing(tmp_path: Path) -> None:
    har = _har(tmp_path, [_entry("GET", "https://api.openai.com/v1/chat/completions", 200, {"id": "x"})])
    done = run_cli("check", "--har", str(har), "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "unmatched: traffic.har#/log/entries/0: GET /v1/chat/completions: no operation" in done.stdout
    assert "error: no exchange of traffic.har answers an operation of 2026-05-02" in done.stderr


def test_a_file_that_is_not_har_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "x.har").write_text('{"log": {}}')
    done = run_cli("check", "--har", "x.har", "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "x.har#/log/entries: not a HAR file: no log.entries list" in done.stderr
