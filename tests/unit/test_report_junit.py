"""junit.xml: valid against the Jenkins xUnit JUnit schema; a testcase per operation and check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
import xmlschema
from report_samples import all_reports, chain_report, check_report, diff_report, failing_report, live_report

from apidrift.report import FindingEntry, render_junit

XSD = Path(__file__).resolve().parents[1] / "data" / "junit-10.xsd"


@cache
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD)


def _suite(xml: str) -> ET.Element:
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    return suite


def _cases(xml: str) -> list[ET.Element]:
    return _suite(xml).findall("testcase")


@pytest.mark.parametrize("name", ["check", "failing", "diff", "live", "chain"])
def test_every_report_validates_against_the_jenkins_schema(name: str) -> None:
    xml = render_junit(all_reports()[name])
    junit_schema().validate(xml)
    suite = _suite(xml)
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == str(sum(c.find("failure") is not None for c in cases))
    assert suite.get("errors") == str(sum(c.find("error") is not None for c in cases))
    names = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(names) == len(set(names)), "CI servers key history by class and name"


def test_a_passing_check_has_a_passing_case_per_response() -> None:
    xml = render_junit(check_report())
    cases = _cases(xml)
    assert len(cases) == 148 and not [c for c in cases if len(c.findall("failure"))]
    case = next(
        c for c in cases if c.get("name") == "2026-05-02/usage-costs.json is valid against 2026-05-02"
    )
    assert case.get("classname") == "apidrift.check.usage-costs"
    out = case.findtext("system-out") or ""
    assert out.startswith(
        "file: openai-admin/2026-05-02/usage-costs.json\nmatches 2026-05-02; against 2026-04-30:"
    )
    assert (
        Path(__file__).resolve().parents[2] / "recordings/openai-admin/2026-05-02/usage-costs.json"
    ).is_file()


def test_failures_carry_the_message() -> None:
    report = failing_report()
    cases = _cases(render_junit(report))
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == report.summary.failed == 18
    case = next(
        c for c in failed if c.get("name") == "2026-05-02/usage-costs.json is valid against 2026-04-30"
    )
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "schema-violation"
    message = failure.get("message") or ""
    assert message.startswith("1 violation(s) against 2026-04-30: data[].result: ")
    assert "is a required property (required at /" in message
    assert "data[].result" in (failure.text or "")


def test_diff_cases_are_per_operation_and_step() -> None:
    report = diff_report()
    cases = _cases(render_junit(report))
    names = [c.get("name") for c in cases]
    # A testcase per change, named by where and what it is: names alone tell them apart.
    assert len(cases) == len(report.findings) and len(names) == len(set(names))
    removed = next(
        c for c in cases if c.get("name", "").endswith(": field-removed (2026-04-30 → 2026-05-02)")
    )
    assert (removed.findtext("system-out") or "").startswith(
        "file: contracts/openai-admin/2026-04-30/contract.json\n"
    )
    shared = {f.path for f in report.findings if f.reaches}
    own = {f.operation for f in report.findings if f.operation}
    assert {c.get("classname", "").split(".", 2)[-1] for c in cases} == own | shared
    failing = {c.get("classname", "").split(".", 2)[-1] for c in cases if c.find("failure") is not None}
    breaking = {f.operation or f.path for f in report.findings if f.severity.value == "breaking"}
    assert failing == breaking
    # A breaking change to a shared schema fails one testcase, the definition's, which names where it reaches.
    grouped = next(f for f in report.findings if f.reaches and f.severity.value == "breaking")
    case = next(c for c in cases if c.get("classname") == "apidrift.diff." + grouped.path)
    kind = grouped.kind
    assert case.get("name") == f"{grouped.path} {grouped.location}: {kind} (2026-04-30 → 2026-05-02)"
    assert case.find("failure") is not None


def test_a_chain_names_each_step() -> None:
    names = {(c.get("classname"), c.get("name")) for c in _cases(render_junit(chain_report()))}
    assert names == {
        ("apidrift.diff.list-things", "list-things response 200 results: field-renamed (v1 → v2)"),
        ("apidrift.diff.get-status", "get-status operation: operation-removed (v2 → v3)"),
    }


def test_live_parts_become_errors_skips_and_a_cleanup_case() -> None:
    xml = render_junit(live_report())
    cases = _cases(xml)
    errors = {c.get("name"): c.find("error") for c in cases if c.find("error") is not None}
    assert set(errors) == {
        "GET /organization/costs answers",
        "GET /organization/users answers",
        "run completes",
    }
    assert errors["GET /organization/costs answers"].get("type") == "http_429"  # type: ignore[union-attr]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert [(c.get("classname"), c.find("skipped").get("message")) for c in skipped] == [  # type: ignore[union-attr]
        ("apidrift.live.delete-project-user", "writes_disabled: off")
    ]
    cleanup = next(c for c in cases if c.get("name") == "cleanup leaves nothing behind")
    assert cleanup.find("failure") is not None
    assert _suite(xml).get("skipped") == "1"


def test_metadata_are_properties_and_control_characters_are_dropped() -> None:
    report = check_report()
    report.findings.append(
        FindingEntry(
            kind="sdk", severity="breaking", operation="x", version=None, path="", message="bad\x00\x1bbyte"
        )
    )
    xml = render_junit(report)
    junit_schema().validate(xml)
    properties = {p.get("name"): p.get("value") for p in _suite(xml).iter("property")}
    assert properties["kind"] == "check" and properties["versions"] == "2026-04-30, 2026-05-02"
    assert properties["generated_at"] == "2026-05-20T03:17:00+00:00"
    assert "bad  byte" in xml


@pytest.mark.parametrize("name", ["check", "failing", "diff", "live", "chain"])
def test_every_testcase_has_a_time_and_names_its_file(name: str) -> None:
    report = all_reports()[name]
    cases = _cases(render_junit(report))
    assert all(c.get("time") == "0.000" for c in cases), "the report knows no durations"
    files = {(c.findtext("system-out") or "").partition("\n")[0] for c in cases}
    if report.responses:
        assert {f"file: openai-admin/{r.file}" for r in report.responses} <= files
    if report.metadata.api and report.findings and not report.responses:
        assert files == {f"file: contracts/openai-admin/{v}/contract.json" for v in report.metadata.versions}


def test_repeated_names_are_told_apart_by_the_findings_id() -> None:
    report = live_report()
    twin = report.transport_findings[0].model_copy(update={"id": "", "kind": "timeout", "message": "slow"})
    report.transport_findings.append(twin)
    report.identify()
    names = [
        c.get("name")
        for c in _cases(render_junit(report))
        if c.get("classname") == "apidrift.live.usage-costs"
    ]
    ids = {t.kind: t.id for t in report.transport_findings}
    assert f"GET /organization/costs answers [{ids['http_429']}]" in names
    assert f"GET /organization/costs answers [{ids['timeout']}]" in names
