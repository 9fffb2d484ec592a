"""Finding ids are stable: the same drift from a live run, from its recordings (renamed, so read in
another order) and from a report whose lists are reversed and reworded has the same ids."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from apidrift.apis.openai_admin.simulator.state import NOW
from apidrift.check.run import check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.live.check import LiveCheckOptions, run_live_check
from apidrift.report import DriftReport, build_check_report
from apidrift.report.build_live import build_live_report
from conftest import StartSimulator

OLD, NEW = "2026-04-30", "2026-05-02"


def _ids(report: DriftReport) -> dict[str, tuple[str, str | None, str]]:
    """Id -> (kind, operation, path) of every finding and rename."""
    out = {f.id: (f.kind, f.operation, f.path) for f in report.findings}
    out |= {r.id: (r.kind, r.operation, f"{r.old} -> {r.new}") for r in report.renames}
    return out


def test_live_recorded_and_reordered_runs_give_the_same_ids(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator(NEW)
    options = LiveCheckOptions(
        base_url=server.base_url + "/v1",
        against=OLD,
        record_dir=tmp_path / "live",
        now=datetime.fromtimestamp(NOW, UTC),
    )
    live = build_live_report(run_live_check(store, options, "sk-admin-REDACTED"), api="openai-admin")
    live_ids = _ids(live)
    assert len(live_ids) > 50 and all(i.startswith("ad-") and len(i) == 15 for i in live_ids)

    # The recordings, renamed so that they are read (and reported) in reverse order.
    files = sorted((tmp_path / "live").rglob("*.json"))
    moved = tmp_path / "moved"
    moved.mkdir()
    for n, path in enumerate(reversed(files)):
        shutil.copy(path, moved / f"{n:03d}-{path.name}")
    recorded = build_check_report(check_recordings(store, moved, against=OLD), api="openai-admin")
    assert [f.file for f in recorded.findings] != [f.file for f in live.findings]
    assert _ids(recorded) == live_ids

    # The same report with every list reversed and every message reworded.
    data = json.loads(live.model_dump_json())
    for name in ("findings", "renames"):
        data[name].reverse()
        for entry in data[name]:
            entry["id"] = ""
            entry["evidence"] = ["reworded"]
            if "message" in entry:
                entry["message"] = "said differently"
    assert _ids(DriftReport.model_validate(data)) == live_ids

    # Another API with the same drift is another finding.
    data["metadata"]["api"] = "another-api"
    assert not set(_ids(DriftReport.model_validate(data))) & set(live_ids)
