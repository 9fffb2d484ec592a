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
