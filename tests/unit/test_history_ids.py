"""Finding ids of diffs and transport findings: from what and where, never from wording or order."""

from __future__ import annotations

from report_samples import diff_report, live_report, seed_diff

from apidrift.report import DriftReport, TransportFindingEntry, build_diff_report
from apidrift.report.identity import finding_id


def test_a_diff_finding_id_names_api_kind_operation_version_location_and_path() -> None:
    report = diff_report()
    f = report.findings[0]
    assert f.detail is not None
    assert f.id == finding_id(
        api=report.metadata.api,
        kind=f.kind,
        operation=f.operation,
        version=f.version,
        location=f.location,
        path=f.path,
        detail=f.detail,
    )
    changed = [finding_id(api="a", kind="k", operation="o", version="v", location="l", path="p")]
    for field in ("api", "kind", "operation", "version", "location", "path"):
        parts = {
            "api": "a",
            "kind": "k",
            "operation": "o",
            "version": "v",
            "location": "l",
            "path": "p",
            field: "x",
        }
        changed.append(finding_id(**parts))
    assert len(set(changed)) == 7, "each part changes the id"


def test_diff_ids_do_not_depend_on_the_order_of_changes() -> None:
    diff = seed_diff()
    forward = build_diff_report(diff, api="seed")
    diff.changes.reverse()
    backward = build_diff_report(diff, api="seed")
    assert {f.id for f in forward.findings} == {f.id for f in backward.findings}
    assert len({f.id for f in forward.findings}) == len(forward.findings) > 10


def test_transport_findings_are_identified_by_kind_and_operation_not_message_or_attempts() -> None:
    report = live_report()
    first = report.transport_findings[0]
    again = first.model_copy(update={"message": "other words", "attempts": 1, "http_status": 503})
    report.transport_findings = [again]
    assert report.transport_findings[0].id == first.id != ""


def test_ids_follow_entries_added_after_construction() -> None:
    report = DriftReport.model_validate(live_report().model_dump())
    report.transport_findings = [
        TransportFindingEntry(
            kind="timeout", operation=None, method="GET", path="/x", message="m", attempts=4
        )
    ]
    assert report.transport_findings[0].id.startswith("ad-")


def test_an_old_report_with_an_http_status_named_status_still_reads() -> None:
    data = live_report().model_dump(mode="json")
    for t in data["transport_findings"]:
        t["status"] = t.pop("http_status")
        for key in ("id", "first_seen", "accepted"):
            t.pop(key)
        t.pop("status") if t["status"] is None else None
    read = DriftReport.model_validate(data)
    assert [t.http_status for t in read.transport_findings] == [429, None]
