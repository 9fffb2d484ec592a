"""report.sarif: valid against the official SARIF 2.1.0 schema, a rule per kind, a result per finding."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_samples import all_reports, diff_report, failing_report, live_report

from apidrift.diff.changes import ChangeKind, Side
from apidrift.diff.registry import RULES
from apidrift.report import DriftReport, render_sarif
from apidrift.report.run_entries import InputErrorEntry
from apidrift.report.sarif import FINGERPRINT, indented_json, sarif_log
from apidrift.report.tracking import Acceptance, FindingStatus
from cli_support import run_cli

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _run(report: DriftReport) -> dict[str, Any]:
    return _run_text(render_sarif(report))


def _run_text(text: str) -> dict[str, Any]:
    log = json.loads(text)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    return dict(run)


def test_the_vendored_schema_is_the_oasis_one() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    # A schema that validates nothing would pass every test: it must reject a log without runs.
    assert list(validator().iter_errors({"version": "2.1.0"}))


@pytest.mark.parametrize("name", ["check", "failing", "diff", "live", "chain"])
def test_every_report_validates_and_every_result_names_its_rule(name: str) -> None:
    report = all_reports()[name]
    run = _run(report)
    driver = run["tool"]["driver"]
    assert driver["name"] == "apidrift" and driver["version"] == report.metadata.tool_version
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        # GitHub code scanning refuses the whole log when one result lacks a physical location.
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    expected = len(report.findings) + len(report.transport_findings) + len(report.input_errors)
    expected += bool(report.cleanup and report.cleanup.remaining) + report.interrupted
    assert len(run["results"]) == expected
    assert render_sarif(report) == render_sarif(report), "the same report, the same text"


def test_a_failing_check_is_an_error_per_violation_in_its_recording() -> None:
    report = failing_report()
    run = _run(report)
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"schema-violation", "undocumented-field"}
    levels = {(r["ruleId"], r["level"]) for r in results}
    assert levels == {("schema-violation", "error"), ("undocumented-field", "warning")}
    finding = next(f for f in report.findings if f.file == "2026-05-02/usage-costs.json")
    result = next(r for r in results if r["partialFingerprints"][FINGERPRINT] == finding.id)
    (location,) = result["locations"]
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "openai-admin/2026-05-02/usage-costs.json"
    assert (Path(__file__).resolve().parents[2] / "recordings" / uri).is_file()
    assert location["logicalLocations"][0]["name"] == "usage-costs"
    assert location["logicalLocations"][0]["fullyQualifiedName"] == f"usage-costs response 200 {finding.path}"
    assert result["message"]["text"].endswith(f"{finding.message} (against 2026-04-30)")


def test_a_diff_explains_its_rules_with_the_registry_and_points_into_the_contracts() -> None:
    report = diff_report()
    run = _run(report)
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    why = RULES[(ChangeKind.FIELD_REMOVED, Side.RESPONSE)].why
    assert f"response: breaking, {why}" in rules["field-removed"]["fullDescription"]["text"]
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}
    by_id = {r["partialFingerprints"][FINGERPRINT]: r for r in run["results"]}
    assert set(by_id) == {f.id for f in report.findings}
    contracts = Path(__file__).resolve().parents[2]
    for finding in report.findings:
        (location,) = by_id[finding.id]["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        # A removal is seen in the old contract, everything else in the new one.
        side = "2026-04-30" if finding.kind.endswith("-removed") else "2026-05-02"
        assert uri == f"contracts/openai-admin/{side}/contract.json"
        assert (contracts / uri).is_file()
    grouped = next(f for f in report.findings if f.reaches)
    assert by_id[grouped.id]["properties"]["reaches"] == grouped.reaches
    assert by_id[grouped.id]["locations"][0]["logicalLocations"][0]["name"] == grouped.path


def test_a_diff_of_documents_points_at_the_documents_given() -> None:
    report = diff_report()
    report.metadata.sources = ["old/openapi.yaml", "new/openapi.yaml"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in _run(report)["results"]}
    assert uris == {"old/openapi.yaml", "new/openapi.yaml"}


def test_a_live_run_adds_transport_failures_cleanup_and_interruption() -> None:
    report = live_report()
    report.input_errors.append(
        InputErrorEntry(kind="RecordingError", file="recs/bad file.json", pointer="/status", message="bad")
    )
    run = _run(report)
    assert run["invocations"][0]["executionSuccessful"] is False and run["invocations"][0]["exitCode"] == 1
    results = {r["ruleId"]: r for r in run["results"]}
    assert {"http_429", "html_error_page", "cleanup", "interrupted", "input-error"} <= set(results)
    throttled = results["http_429"]
    assert throttled["level"] == "error"
    assert throttled["partialFingerprints"][FINGERPRINT] == report.transport_findings[0].id
    assert throttled["locations"][0]["logicalLocations"][0]["name"] == "usage-costs"
    uri = throttled["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "contracts/openai-admin/2026-05-02/contract.json", "the contract the run judged by"
    assert "after 4 attempt(s) (last status 429)" in throttled["message"]["text"]
    bad = results["input-error"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert bad == "recs/bad%20file.json"
    assert "user u_1 could not be removed" in results["cleanup"]["message"]["text"]


def test_accepted_findings_are_suppressed_and_history_sets_the_baseline_state() -> None:
    report = diff_report()
    accepted, new, persisting = report.findings[:3]
    accepted.accepted = Acceptance(entry=accepted.id, reason="known", owner="api-team", expires="2026-12-31")
    new.status, persisting.status = FindingStatus.NEW, FindingStatus.PERSISTING
    by_id = {r["partialFingerprints"][FINGERPRINT]: r for r in _run(report)["results"]}
    assert by_id[accepted.id]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "api-team: known (until 2026-12-31)"}
    ]
    assert by_id[new.id]["baselineState"] == "new" and "suppressions" not in by_id[new.id]
    assert by_id[persisting.id]["baselineState"] == "unchanged"
    accepted.accepted = accepted.accepted.model_copy(update={"expired": True})
    assert (
        "suppressions"
        not in {r["partialFingerprints"][FINGERPRINT]: r for r in _run(report)["results"]}[accepted.id]
    )


def test_check_of_a_folder_points_at_files_ci_can_open(tmp_path: Path) -> None:
    recs = tmp_path / "recs" / "nightly"
    recs.mkdir(parents=True)
    bundled = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin" / "2026-05-02"
    shutil.copy(bundled / "usage-costs.json", recs / "a.json")
    done = run_cli(
        "check", "--recordings", "recs/nightly", "--against", "2026-04-30", "--reports", "out", cwd=tmp_path
    )
    assert done.returncode == 1
    run = _run_text((tmp_path / "out" / "report.sarif").read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"recs/nightly/a.json"} and (tmp_path / "recs/nightly/a.json").is_file()


_json_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)))
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | _json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_json_text, inner, max_size=4),
    max_leaves=30,
)


@given(_json_values)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_log_is_indented_exactly_as_the_standard_library_indents(value: Any) -> None:
    # render_sarif writes by pydantic-core for speed: the text must be the one json.dumps writes.
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_every_sample_report_is_written_as_the_standard_library_writes_it() -> None:
    for report in all_reports().values():
        log = sarif_log(report)
        assert render_sarif(report) == json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def test_text_pydantic_core_refuses_is_written_by_the_standard_library() -> None:
    # A lone surrogate: the standard library's text (and its error when the file is written).
    assert indented_json({"a": "\ud800"}) == json.dumps({"a": "\ud800"}, indent=2, ensure_ascii=False)
