"""A live run's CI outputs: JUnit times each response by its exchange, SARIF validates with a live run's
results, both from a real sweep of the simulator."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import xmlschema

from apidrift.apis.openai_admin.simulator.state import NOW
from apidrift.contracts.model import ContractStore
from apidrift.live.check import LiveCheckOptions, run_live_check
from apidrift.report import render_junit, render_sarif
from apidrift.report.build_live import build_live_report
from conftest import StartSimulator

DATA = Path(__file__).resolve().parents[1] / "data"


def test_junit_times_each_response_by_its_exchange(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02")
    options = LiveCheckOptions(
        base_url=server.base_url + "/v1", against="2026-04-30", now=datetime.fromtimestamp(NOW, UTC)
    )
    report = build_live_report(run_live_check(store, options, "sk-admin-REDACTED"), api="openai-admin")
    assert report.responses and all(r.elapsed_s is not None and r.elapsed_s >= 0 for r in report.responses)

    xml = render_junit(report)
    xmlschema.XMLSchema(DATA / "junit-10.xsd").validate(xml)
    times = {c.get("name"): c.get("time") for c in ET.fromstring(xml).iter("testcase")}
    for r in report.responses:
        assert times[f"{r.file} is valid against 2026-04-30"] == f"{r.elapsed_s:.3f}"

    log = json.loads(render_sarif(report))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    assert {r["partialFingerprints"]["apidriftFindingId/v1"] for r in log["runs"][0]["results"]} == {
        f.id for f in report.findings
    }
