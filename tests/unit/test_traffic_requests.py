"""Request-side checks on traffic: a request body against the operation's request schema, query and
path parameters against the documented ones, each request fingerprinted against every version and
its renames named; the sender's drift reported with side="request", secrets never written."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import jsonschema

from apidrift.contracts.model import ContractStore
from apidrift.report.build_traffic import build_traffic_report
from apidrift.report.schema import report_schema
from apidrift.traffic.check import check_exchanges
from apidrift.traffic.exchange import Exchange
from cli_support import run_cli

BASE = "https://api.example.test/v1"
JSON = (("Content-Type", "application/json"),)
OK_USER = json.dumps({"object": "organization.user", "id": "user_1"}).encode()


def _exchange(method: str, url: str, body: Any = None, **fields: Any) -> Exchange:
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    return Exchange(where="t#/0", method=method, url=url, request_body=raw, **fields)


def _problems(exchange: Exchange, against: str = "2026-05-02") -> set[tuple[str, str, str]]:
    traffic = check_exchanges(ContractStore(), [exchange], against=against)
    (request,) = traffic.requests
    return {(p.kind, p.location, p.name) for p in request.target.parameters}


def test_query_parameters_undocumented_missing_and_of_the_wrong_type() -> None:
    url = f"{BASE}/organization/usage/completions?limit=abc&foo=1&batch=maybe&group_by=model&group_by=colour"
    assert _problems(_exchange("GET", url)) == {
        ("undocumented", "query", "foo"),
        ("missing", "query", "start_time"),
        ("invalid", "query", "limit"),
        ("invalid", "query", "batch"),
        ("invalid", "query", "group_by"),
    }


def test_documented_parameters_in_every_style_pass() -> None:
    url = (
        f"{BASE}/organization/usage/completions?start_time=1&limit=3&batch=true"
        "&project_ids=a&project_ids=b&models[]=gpt&group_by=model"
    )
    traffic = check_exchanges(ContractStore(), [_exchange("GET", url)])
    (request,) = traffic.requests
    assert request.target.parameters == () and request.ok and request.target.exact


def test_a_parameter_of_another_name_is_a_rename_on_the_request_side() -> None:
    url = f"{BASE}/organization/usage/completions?start_time=1&project_id=p1"
    traffic = check_exchanges(ContractStore(), [_exchange("GET", url)], against="2026-04-30")
    report = build_traffic_report(traffic, api="openai-admin")
    renames = [
        (r.kind, r.old, r.new, r.side, r.severity.value) for r in report.renames if r.old_in == "2026-04-30"
    ]
    assert renames == [("param-renamed", "project_ids", "project_id", "request", "warning")]


def test_a_body_field_of_the_other_version_is_a_rename_and_a_breaking_request() -> None:
    # 2026-05-02 lets a client send `role_id`; 2026-04-30 documents (and requires) `role`.
    exchange = _exchange(
        "POST", f"{BASE}/organization/users/user_1", {"role_id": "role_1"}, request_headers=JSON, status=200
    )
    traffic = check_exchanges(ContractStore(), [exchange], against="2026-04-30")
    (request,) = traffic.requests
    assert not request.ok and request.best == "2026-05-02"
    assert [(p.old, p.new) for p in request.target.renames] == [("role", "role_id")]
    assert traffic.exit_code == 1
    report = build_traffic_report(traffic, api="openai-admin")
    found = {(f.kind, f.path, f.severity.value, f.side) for f in report.findings}
    assert found == {
        ("request-schema-violation", "role", "breaking", "request"),
        ("request-undocumented-field", "role_id", "warning", "request"),
    }
    violation = next(f for f in report.findings if f.kind == "request-schema-violation")
    assert "looks like a rename: `role` → `role_id` (0.75)" in violation.evidence
    assert any(e.startswith("fingerprint: matches 2026-05-02") for e in violation.evidence)
    jsonschema.validate(json.loads(report.model_dump_json()), report_schema())
    # The same body against the version that documents it is exact.
    assert check_exchanges(ContractStore(), [exchange], against="2026-05-02").requests[0].target.exact


def test_bodies_where_none_belongs_not_json_and_not_checked() -> None:
    store = ContractStore()
    url = f"{BASE}/organization/users/user_1"
    cases = [
        (
            _exchange("GET", url, {"x": 1}, request_headers=JSON),
            "a request body was sent; the version documents none",
            False,
        ),
        (_exchange("POST", url, b"{oops", request_headers=JSON), "the request body is not JSON", True),
        (
            _exchange(
                "POST",
                url,
                b"role=owner",
                request_headers=(("Content-Type", "application/x-www-form-urlencoded"),),
            ),
            "the request body is application/x-www-form-urlencoded, not JSON: not checked",
            False,
        ),
        (_exchange("POST", url, None), "the version requires a request body; none was sent", True),
    ]
    for exchange, note, breaks in cases:
        (request,) = check_exchanges(store, [exchange], against="2026-04-30").requests
        assert (request.target.body_note, request.target.body_breaks) == (note, breaks)


def test_secrets_in_headers_query_and_bodies_reach_no_written_file(tmp_path: Path) -> None:
    key = "sk-" + "admin-" + secrets.token_hex(16)  # built at run time
    token = secrets.token_urlsafe(24)  # a credential of no known shape: redacted because it was sent as one
    entry = {
        "request": {
            "method": "POST",
            "url": f"{BASE}/organization/users/user_1?note={key}&access_token={token}",
            "headers": [
                {"name": "Authorization", "value": f"Bearer {token}"},
                {"name": "X-Debug", "value": key},
                {"name": "Content-Type", "value": "application/json"},
            ],
            "postData": {
                "mimeType": "application/json",
                "text": json.dumps({"role": "owner", "note": key, "password": "hunter2-" + token}),
            },
        },
        "response": {
            "status": 200,
            "headers": [
                {"name": "Content-Type", "value": "application/json"},
                {"name": "X-Echo", "value": token},
            ],
            "content": {
                "mimeType": "application/json",
                "text": json.dumps({"object": "organization.user", "id": key, "name": token}),
            },
        },
    }
    (tmp_path / "t.har").write_text(
        json.dumps(
            {
                "log": {
                    "entries": [
                        entry,
                        {**entry, "request": {**entry["request"], "url": f"{BASE}/nowhere?k={key}"}},
                    ]
                }
            }
        )
    )
    done = run_cli("check", "--har", "t.har", "--reports", "out", "--record", "rec", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "unmatched: t.har#/log/entries/1: POST /v1/nowhere" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [u["where"] for u in report["unmatched"]] == ["t.har#/log/entries/1"]
    assert "## Exchanges not checked (1)" in (tmp_path / "out" / "report.md").read_text()
    assert {f["path"] for f in report["findings"] if f.get("side") == "request"} >= {"note", "access_token"}
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file() and p.name != "t.har")
    for secret in (key, token, key.split("-")[-1]):
        assert secret not in written + done.stdout + done.stderr
    assert "sk-admin-REDACTED" in written


def test_exchanges_are_consumed_as_they_go_a_chunk_at_a_time(tmp_path: Path) -> None:
    from apidrift.traffic.pool import CHUNK

    record = tmp_path / "rec"
    url = f"{BASE}/organization/users/user_1"
    seen_on_disk: list[int] = []
    n = 2 * CHUNK + 1

    def lazily() -> Any:
        for _ in range(n):
            seen_on_disk.append(len(list(record.glob("*.json"))) if record.exists() else 0)
            yield _exchange("GET", url, status=200, response_headers=JSON, response_body=OK_USER)

    traffic = check_exchanges(ContractStore(), lazily(), against="2026-05-02", record=record, workers=1)
    # Each chunk is checked (and its responses written) before the next one is read.
    assert seen_on_disk == [k // CHUNK * CHUNK for k in range(n)]
    assert traffic.run.checked == n and len(traffic.requests) == n


def test_files_that_are_not_traffic_are_errors_and_the_other_files_are_still_checked(tmp_path: Path) -> None:
    from apidrift.traffic.check import check_traffic_files

    good = tmp_path / "good.har"
    entry = {
        "request": {"method": "GET", "url": f"{BASE}/organization/users/user_1", "headers": []},
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": OK_USER.decode()},
        },
    }
    good.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    broken = tmp_path / "broken.har"
    broken.write_text('{"log": {"entries": [')
    traffic = check_traffic_files(ContractStore(), har=[broken, good], against="2026-05-02")
    assert traffic.run.checked == 1
    assert [e.file for e in traffic.run.input_errors] == [str(broken)]
