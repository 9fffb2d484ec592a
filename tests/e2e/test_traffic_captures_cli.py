"""`check --cassettes DIR` on a folder of captures other recorders wrote (Ruby VCR, Betamax, go-vcr, a
HAR among them), each read by its content, redacted, matched and checked against the bundled OpenAI
contracts through the CLI."""

from __future__ import annotations

import base64
import gzip
import json
import secrets
from pathlib import Path
from typing import Any

import yaml

from cli_support import run_cli

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin" / "2026-05-02"
URL = "https://api.openai.com/v1/organization/costs?start_time=1"


def _key() -> str:
    return "sk-" + "admin-" + secrets.token_hex(16)  # key-shaped, built at run time


def _folder(tmp_path: Path, body: dict[str, Any], key: str) -> Path:
    text = json.dumps(body)
    folder = tmp_path / "captures"
    (folder / "ruby").mkdir(parents=True)
    auth = {"Authorization": [f"Bearer {key}"]}
    ruby = {
        "http_interactions": [
            {
                "request": {
                    "method": "get",
                    "uri": URL,
                    "body": {"encoding": "US-ASCII", "string": ""},
                    "headers": auth,
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Type": ["application/json"], "Content-Encoding": ["gzip"]},
                    "body": {
                        "encoding": "ASCII-8BIT",
                        "base64_string": base64.encodebytes(gzip.compress(text.encode())).decode(),
                    },
                },
                "recorded_at": "Fri, 22 Mar 2024 13:56:10 GMT",
            }
        ],
        "recorded_with": "VCR 6.2.0",
    }
    (folder / "ruby" / "costs.yml").write_text(yaml.safe_dump(ruby))
    betamax = json.loads(json.dumps(ruby))
    betamax["http_interactions"][0]["response"]["body"] = {"string": text, "encoding": None}
    betamax["http_interactions"][0]["response"]["headers"].pop("Content-Encoding")
    betamax["recorded_with"] = "betamax/0.8.1"
    (folder / "betamax.json").write_text(json.dumps(betamax))
    go_vcr = {
        "version": 2,
        "interactions": [
            {
                "id": 0,
                "request": {"proto": "HTTP/1.1", "url": URL, "method": "GET", "headers": auth, "body": ""},
                "response": {
                    "body": text,
                    "headers": {"Content-Type": ["application/json"]},
                    "status": "200 OK",
                    "code": 200,
                    "duration": "83ms",
                },
            }
        ],
    }
    (folder / "go.yaml").write_text(yaml.safe_dump(go_vcr))
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                {
                    "request": {
                        "method": "GET",
                        "url": URL,
                        "headers": [{"name": ":authority", "value": "api.openai.com"}],
                    },
                    "response": {
                        "status": "200",
                        "headers": [],
                        "content": {"mimeType": "application/json", "text": text},
                    },
                }
            ],
        }
    }
    (folder / "browser.har").write_bytes(b"\xef\xbb\xbf" + json.dumps(har).encode())
    return folder


def test_every_recorder_s_capture_in_one_folder_is_read_and_checked(tmp_path: Path) -> None:
    body = json.loads((RECORDINGS / "usage-costs.json").read_text())["body"]
    key = _key()
    folder = _folder(tmp_path, body, key)
    done = run_cli("check", "--cassettes", str(folder), "--reports", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unmatched" not in done.stdout and "error:" not in done.stderr
    report = (tmp_path / "out" / "report.json").read_text()
    assert key not in report and key not in done.stdout
    assert sum(e["responses"] for e in json.loads(report)["exact"]) == 4  # one response per file

    # The same captures with a field the version requires taken out: every file's response fails.
    del body["data"][0]["object"]
    broken = _folder(tmp_path / "broken", body, key)
    done = run_cli("check", "--cassettes", str(broken), "--no-reports", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'data[].object: "object" is a required property (4×' in done.stdout, done.stdout


def test_a_file_that_is_no_capture_is_one_error_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.json").write_text('{"hello": "world"}')
    done = run_cli("check", "--cassettes", "c", "--no-reports", cwd=tmp_path)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors[0] == (
        "error: c/notes.json: neither a HAR file (log.entries) nor a cassette (interactions: VCR.py, "
        "go-vcr; http_interactions: Ruby VCR, Betamax; a list: nock, php-vcr, VCR.py 0.x)"
    )
