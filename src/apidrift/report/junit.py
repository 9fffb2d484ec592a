"""`junit.xml`: a testcase per operation and check, in the JUnit XML dialect CI servers read
(valid against the Jenkins xUnit `junit-10.xsd`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby

from apidrift.diff.changes import Severity
from apidrift.report.model import (
    RESPONSE_FINDING_KINDS,
    DriftReport,
    FindingEntry,
    RunKind,
    TransportFindingEntry,
)
from apidrift.report.tracking import FindingStatus
from apidrift.report.wording import title

# XML 1.0 forbids most control characters; a stray one in a server message must not break the file.
_XML_SAFE = {c: " " for c in range(32) if c not in (9, 10, 13)}


@dataclass
class TestCase:
    """One JUnit testcase: a check on one operation, and how it ended."""

    classname: str
    name: str
    failure: tuple[str, str, str] | None = None  # (type, message, text)
    error: tuple[str, str, str] | None = None
    skipped: str | None = None
    output: list[str] = field(default_factory=list)


def render_junit(report: DriftReport) -> str:
    """The report as one `<testsuites>` with one `<testsuite>`; run metadata are its properties."""
    producers = (_response_cases, _finding_cases, _live_cases, _input_cases)
    cases = _unique([case for produce in producers for case in produce(report)])
    failures = sum(c.failure is not None for c in cases)
    errors = sum(c.error is not None for c in cases)
    skipped = sum(c.skipped is not None for c in cases)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors)}
    root = ET.Element("testsuites", {"name": title(report), **counts})
    suite = ET.SubElement(root, "testsuite", {"name": f"apidrift.{report.metadata.kind.value}", **counts})
    suite.set("skipped", str(skipped))
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(report):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    for case in cases:
        _append(suite, case)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _properties(report: DriftReport) -> list[tuple[str, str]]:
    meta = report.metadata
    props = [
        ("kind", meta.kind.value),
        ("tool_version", meta.tool_version),
        ("generated_at", meta.generated_at),
        ("versions", ", ".join(meta.versions)),
        ("sources", ", ".join(meta.sources)),
        ("exit_code", str(report.exit_code)),
    ]
    optional = [("api", meta.api), ("against", meta.against), ("base_url", meta.base_url)]
    props += [(name, value) for name, value in optional if value]
    if meta.fail_on is not None:
        props.append(("fail_on", meta.fail_on.value))
    return props


def _append(suite: ET.Element, case: TestCase) -> None:
    element = ET.SubElement(suite, "testcase", {"classname": case.classname, "name": _clean(case.name)})
    for tag, outcome in (("failure", case.failure), ("error", case.error)):
        if outcome is not None:
            kind, message, text = outcome
            ET.SubElement(element, tag, {"type": kind, "message": _clean(message)}).text = _clean(text)
    if case.skipped is not None:
        ET.SubElement(element, "skipped", {"message": _clean(case.skipped)})
    if case.output:
        ET.SubElement(element, "system-out").text = _clean("\n".join(case.output))


def _classname(report: DriftReport, operation: str | None) -> str:
    return f"apidrift.{report.metadata.kind.value}.{operation or 'run'}"


def _response_cases(report: DriftReport) -> Iterable[TestCase]:
    # Indexed once: a scan of every finding per response is quadratic in a large corpus.
    violations: dict[str | None, list[FindingEntry]] = {}
    for f in report.findings:
        if f.kind == "schema-violation":
            violations.setdefault(f.file, []).append(f)
    for r in report.responses:
        case = TestCase(_classname(report, r.operation), f"{r.file} is valid against {r.against}")
        case.output.append(r.fingerprint)
        case.output += [f"undocumented in {r.against}: {u}" for u in r.undocumented]
        mine = violations.get(r.file, [])
        excused = [_excused(report, f) for f in mine]
        case.output += [note for note in excused if note]
        if not r.ok and not (mine and all(excused)):
            lines = [
                f"{v.field or '(root)'}: {v.message} ({v.keyword} at {v.schema_path})" for v in r.violations
            ]
            message = f"{len(r.violations)} violation(s) against {r.against}: {lines[0]}"
            case.failure = ("schema-violation", message, "\n".join(lines))
        yield case
    # Exact responses are counted by kind: one passing case per kind, named by its first file.
    for g in report.exact:
        more = f" and {g.responses - 1} more" if g.responses > 1 else ""
        verb = "are" if more else "is"
        case = TestCase(
            _classname(report, g.operation), f"{g.example}{more} {verb} valid against {g.against}"
        )
        case.output.append(g.fingerprint)
        yield case


def _finding_cases(report: DriftReport) -> Iterable[TestCase]:
    """Findings other than a response's own, grouped by operation and version."""
    threshold = report.metadata.fail_on or Severity.BREAKING
    versions = report.metadata.versions
    own = RESPONSE_FINDING_KINDS if report.responses else frozenset()
    findings = sorted(
        (f for f in report.findings if f.kind not in own), key=lambda f: (_subject(f) or "", f.version or "")
    )
    for (operation, version), group in groupby(findings, key=lambda f: (_subject(f), f.version)):
        found = list(group)
        if report.metadata.kind is RunKind.DIFF and version in versions[1:]:
            name = f"{versions[versions.index(version) - 1]} → {version}"
        else:
            name = f"against {version or 'every version'}"
        case = TestCase(_classname(report, operation), name, output=[_line(f) for f in found])
        case.output += [note for f in found if (note := _excused(report, f))]
        failing = [f for f in found if f.severity.rank >= threshold.rank and not _excused(report, f)]
        if failing:
            message = f"{len(failing)} {threshold.value}+ finding(s): {failing[0].message}"
            case.failure = (failing[0].kind, message, "\n".join(_line(f) for f in failing))
        yield case


def _subject(finding: FindingEntry) -> str | None:
    """What a testcase is about: the operation, or the shared definition a grouped change is in."""
    if finding.operation is None and finding.reaches:
        return finding.path
    return finding.operation


def _excused(report: DriftReport, entry: FindingEntry | TransportFindingEntry) -> str | None:
    """Why a finding does not fail the run, when it does not: a baseline accepts it, or the run
    fails only on new findings and this one persists. None when it counts."""
    accepted = entry.accepted
    if accepted is not None and not accepted.expired:
        return f"accepted by the baseline ({accepted.owner}: {accepted.reason}): {entry.kind} {entry.id}"
    fail_on_new = report.history is not None and report.history.fail_on == "new"
    if fail_on_new and entry.status is FindingStatus.PERSISTING and accepted is None:
        return f"persisting since {entry.first_seen}, not new: {entry.kind} {entry.id}"
    return None


def _line(finding: FindingEntry) -> str:
    where = " ".join(x for x in (finding.location, finding.path) if x)
    return f"[{finding.severity.value}] {finding.kind} {where}: {finding.message}"


def _live_cases(report: DriftReport) -> Iterable[TestCase]:
    for t in report.transport_findings:
        case = TestCase(_classname(report, t.operation), f"{t.method} {t.path} answers")
        last = f"\nlast status: {t.http_status}" if t.http_status else ""
        text = f"{t.message}\nattempts: {t.attempts}{last}"
        note = _excused(report, t)
        if note:
            case.output += [text, note]
        else:
            case.error = (t.kind, t.message, text)
        yield case
    for s in report.skipped:
        yield TestCase(_classname(report, s.operation), "called", skipped=f"{s.reason}: {s.detail}")
    if report.cleanup is not None:
        c = report.cleanup
        case = TestCase(_classname(report, None), "cleanup leaves nothing behind", output=list(c.details))
        if c.remaining:
            message = f"{c.remaining} writes left behind ({c.compensated} undone)"
            case.failure = ("cleanup", message, "\n".join(c.details))
        yield case
    if report.interrupted:
        case = TestCase(_classname(report, None), "run completes")
        case.error = ("interrupted", "the run was interrupted", "the run was interrupted")
        yield case


def _input_cases(report: DriftReport) -> Iterable[TestCase]:
    for e in report.input_errors:
        where = (e.file or "") + (f"#{e.pointer}" if e.pointer else "")
        case = TestCase(_classname(report, "input"), f"{where or e.kind} is readable")
        case.error = (e.kind, f"{where}: {e.message}", e.message)
        yield case


def _unique(cases: list[TestCase]) -> list[TestCase]:
    """CI servers key history by class and name; a repeated pair gets a numbered suffix."""
    seen: dict[tuple[str, str], int] = {}
    for case in cases:
        key = (case.classname, case.name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            case.name = f"{case.name} #{seen[key]}"
    return cases


def _clean(text: str) -> str:
    return text.translate(_XML_SAFE)
