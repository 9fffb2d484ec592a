"""The report model: its committed JSON Schema, derived summary, safe metadata and round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from report_samples import all_reports, check_report, live_report

from apidrift.report import REPORT_FORMAT, SCHEMA_ID, FindingEntry, read_report, render_json
from apidrift.report.model import RunKind
from apidrift.report.schema import SCHEMA_FILE, committed_schema, report_schema, schema_errors, schema_text
from apidrift.report.write import ReportFileError

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "src" / "apidrift" / "report" / SCHEMA_FILE


def test_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "the model changed: regenerate with `python -m apidrift.report.schema` and commit it"
    )


def test_schema_is_versioned_and_a_valid_2020_12_schema() -> None:
    schema = committed_schema()
    assert schema["$id"] == SCHEMA_ID and "apidrift.report/1" in schema["$id"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["format"]["const"] == REPORT_FORMAT
    Draft202012Validator.check_schema(schema)
    assert report_schema() == schema


@pytest.mark.parametrize("name", ["check", "failing", "diff", "live", "chain"])
def test_every_kind_of_report_validates_against_the_schema(name: str) -> None:
    document = json.loads(render_json(all_reports()[name]))
    assert schema_errors(document) == []
    assert document["format"] == "apidrift.report/1"
    assert set(document["summary"]) >= {"exit_code", "breaking", "warning", "info", "transport_findings"}


def test_the_schema_rejects_what_the_model_rejects() -> None:
    document = json.loads(render_json(check_report()))
    assert schema_errors({**document, "format": "apidrift.report/2"})
    document["findings"].append({"kind": "x", "severity": "fatal", "operation": None, "version": None})
    assert any("findings" in e for e in schema_errors(document))


def test_summary_follows_the_lists_it_counts() -> None:
    report = check_report()
    before = report.summary
    report.findings.append(
        FindingEntry(
            kind="sdk-field-missing",
            severity="breaking",
            operation="usage-costs",
            version=None,
            path="data[].results",
            message="the Python SDK has no `results`",
        )
    )
    assert report.summary.breaking == before.breaking + 1
    assert (before.responses, before.ok, before.drifted, before.renames) == (148, 148, 6, 28)


def test_live_parts_are_carried_and_the_base_url_loses_its_secrets() -> None:
    report = live_report()
    assert report.metadata.kind is RunKind.LIVE
    assert report.metadata.base_url == "https://api.example/v1"
    text = render_json(report)
    assert "pw@" not in text and "k=1" not in text
    s = report.summary
    assert (s.transport_findings, s.skipped) == (2, 1)
    assert report.cleanup is not None and report.cleanup.remaining == 1 and report.interrupted


def test_recorded_checks_leave_the_live_parts_empty() -> None:
    report = check_report()
    assert report.transport_findings == [] and report.skipped == [] and report.cleanup is None
    assert report.interrupted is False and report.metadata.base_url is None


def test_a_saved_report_reads_back_equal(tmp_path: Path) -> None:
    for name, report in all_reports().items():
        path = tmp_path / f"{name}.json"
        path.write_text(render_json(report), encoding="utf-8")
        assert read_report(path) == report, name


def test_reading_something_else_is_one_error_naming_file_and_pointer(tmp_path: Path) -> None:
    diff = tmp_path / "diff.json"
    diff.write_text(json.dumps({"format": "apidrift.diff/1", "changes": []}))
    with pytest.raises(ReportFileError) as caught:
        read_report(diff)
    assert caught.value.pointer == "/format" and "apidrift.report/1" in caught.value.message
    broken = tmp_path / "broken.json"
    broken.write_text("<html>")
    with pytest.raises(ReportFileError, match="not a valid report"):
        read_report(broken)
    with pytest.raises(ReportFileError, match="cannot read"):
        read_report(tmp_path / "missing.json")
