"""`check --har` and `check --cassettes` through the CLI: a response whose body is empty or an HTML
error page, where the operation documents JSON, is one `error:` line naming its exchange (exit 2), in
the report's input errors too, and the exchanges beside it are still checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli_support import run_cli

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin" / "2026-05-02"
URL = "https://api.openai.com/v1/organization/costs?start_time=1"
HTML = "<html><body><h1>502 Bad Gateway</h1></body></html>"


def _bodies() -> list[tuple[str, str]]:
    good = json.dumps(json.loads((RECORDINGS / "usage-costs.json").read_text())["body"])
    return [(good, "application/json"), ("", "application/json"), (HTML, "text/html")]


def _har(folder: Path) -> Path:
    entries = [
        {
            "request": {"method": "GET", "url": URL, "headers": []},
            "response": {
                "status": 200,
                "headers": [{"name": "Content-Type", "value": media}],
                "content": {"mimeType": media, "text": text},
            },
        }
        for text, media in _bodies()
    ]
    path = folder / "t.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return path


def _cassette(folder: Path) -> Path:
    interactions: list[dict[str, Any]] = [
        {
            "request": {"method": "GET", "uri": URL, "body": None, "headers": {}},
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {"Content-Type": [media]},
                "body": {"string": text},
            },
        }
        for text, media in _bodies()
    ]
    (folder / "cassettes").mkdir()
    (folder / "cassettes" / "costs.json").write_text(json.dumps({"interactions": interactions, "version": 1}))
    return folder / "cassettes"


@pytest.mark.parametrize(
    ("option", "make", "where"),
    [
        ("--har", _har, "t.har#/log/entries/{}"),
        ("--cassettes", _cassette, "costs.json#/interactions/{}"),
    ],
    ids=["har", "cassettes"],
)
def test_an_empty_or_html_body_is_an_error_naming_its_exchange(
    tmp_path: Path, option: str, make: Any, where: str
) -> None:
    target = make(tmp_path)
    done = run_cli("check", option, str(target.relative_to(tmp_path)), "--reports", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    suffix = ", where usage-costs documents a JSON body for 200"
    assert errors == [
        f"error: {where.format(1)}: the response has no body (200){suffix}",
        f"error: {where.format(2)}: the response is not JSON (text/html){suffix}",
    ]
    assert "unmatched" not in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    file, _, pointer = where.format(1).partition("#")
    assert {(e["file"], e["pointer"]) for e in report["input_errors"]} == {
        (file, pointer),
        (file, where.format(2).partition("#")[2]),
    }
    assert report["unmatched"] == []
    assert sum(g["responses"] for g in report["exact"]) == 1  # the good one, beside them
