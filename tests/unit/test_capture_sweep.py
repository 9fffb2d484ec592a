"""`tools/capture_sweep.py`: a folder of captures is read and checked, each against the contract
beside it (else one written from the capture), and what was read, refused and checked is counted."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from cli_support import load_tool

TOOL = Path(__file__).parents[2] / "tools" / "capture_sweep.py"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "captures"


@pytest.fixture(scope="module")
def sweep() -> ModuleType:
    return load_tool(TOOL)


def test_a_folder_of_captures_is_read_checked_and_counted(sweep: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "betamax").mkdir()
    (tmp_path / "betamax" / "b.json").write_bytes(
        (FIXTURES / "betamax" / "preserve_exact_bytes.json").read_bytes()
    )
    (tmp_path / "notes.json").write_text('{"hello": "world"}')
    rows = [sweep.sweep_one(p, tmp_path, 120) for p in sweep.captures(tmp_path, None)]
    by_file = {r.file: r for r in rows}
    read = by_file["betamax/b.json"]
    assert (read.read, read.refused, read.statuses, read.contract) == (
        1,
        "",
        {"200": 1},
        "written from the capture",
    )
    assert read.code == 0 and not read.check_traceback, read
    refused = by_file["notes.json"]
    assert refused.read == 0 and "neither a HAR file" in refused.refused and refused.code == 2
    assert sweep.totals(rows) == {
        "files": 2,
        "files read": 1,
        "files refused": 1,
        "exchanges read": 1,
        "entries listed, not read": 0,
        "tracebacks": 0,
        "check exit 0/1": 1,
        "check exit 2": 1,
    }
    assert "| betamax/b.json | 1 | 0" in sweep.markdown(rows)
    json.dumps([r.__dict__ for r in rows])  # the --json output is plain data


def test_a_contract_written_from_a_capture_documents_the_media_its_answers_have(
    sweep: ModuleType, tmp_path: Path
) -> None:
    # A plain-text answer and an empty one: documented as they are, so `check` lists them, and no
    # made-up JSON body turns them into errors.
    interactions = [
        {
            "request": {"method": "GET", "uri": f"http://127.0.0.1/{name}", "body": None, "headers": {}},
            "response": {"status": {"code": status}, "headers": headers, "body": {"string": body}},
        }
        for name, status, headers, body in [
            ("version", 200, {"Content-Type": ["text/plain"]}, "1.2.3"),
            ("gone", 204, {}, ""),
            ("thing", 200, {"Content-Type": ["application/json"]}, '{"a": 1}'),
        ]
    ]
    (tmp_path / "c.json").write_text(json.dumps({"interactions": interactions, "version": 1}))
    keep = tmp_path / "kept"
    [row] = [sweep.sweep_one(p, tmp_path, 120, keep) for p in sweep.captures(tmp_path, None)]
    assert (row.contract, row.code, row.first) == ("written from the capture", 0, ""), row
    report = json.loads((keep / "c.json.json").read_text())
    assert [u["reason"] for u in report["unmatched"]] == [
        "the response is not JSON (text/plain)",
        "the response has no body (204)",
    ]
    assert report["summary"]["responses"] == 1 and "exit 0" in (keep / "c.json.out").read_text()
