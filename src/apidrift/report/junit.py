"""`junit.xml`: a testcase per response, per finding and per live-run check, in the JUnit XML dialect
CI servers read (valid against the Jenkins xUnit `junit-10.xsd`).

Every testcase has a name of its own (what it checks and where), a `time` (0 where the report knows
none) and the file it concerns; that schema has no `file` attribute on a testcase, so the file is the
first line of the testcase's output (`file: …`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from apidrift.diff.changes import Severity
from apidrift.report.locate import finding_file, place, recording_file, subject
from apidrift.report.model import RESPONSE_FINDING_KINDS, DriftReport, FindingEntry, RunKind
from apidrift.report.run_entries import TransportFindingEntry
from apidrift.report.tracking import FindingStatus
from apidrift.report.wording import title

# XML 1.0 forbids most control characters; a stray one in a server message must not break the file.
_XML_SAFE = {c: " " for c in range(32) if c not in (9, 10, 13)}
_XML_UNSAFE = re.compile("[" + "".join(map(chr, _XML_SAFE)) + "]")


@dataclass
class TestCase:
    """One JUnit testcase: a check on one operation, and how it ended."""

    classname: str
    name: str
    file: str | None = None
    time: float = 0.0
    # What tells two testcases of one name apart, when two have one (a finding's stable id).
    ident: str | None = None
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
    suite.set("time", _seconds(sum(c.time for c in cases)))
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
    attributes = {"classname": case.classname, "name": _clean(case.name), "time": _seconds(case.time)}
    element = ET.SubElement(suite, "testcase", attributes)
    for tag, outcome in (("failure", case.failure), ("error", case.error)):
        if outcome is not None:
            kind, message, text = outcome
            ET.SubElement(element, tag, {"type": kind, "message": _clean(message)}).text = _clean(text)
    if case.skipped is not None:
        ET.SubElement(element, "skipped", {"message": _clean(case.skipped)})
    output = [f"file: {case.file}", *case.output] if case.file else case.output
    if output:
        ET.SubElement(element, "system-out").text = _clean("\n".join(output))


def _seconds(time: float) -> str:
    return f"{time:.3f}"


def _classname(report: DriftReport, operation: str | None) -> str:
    return f"apidrift.{report.metadata.kind.value}.{operation or 'run'}"


def _response_cases(report: DriftReport) -> Iterable[TestCase]:
    # Indexed once: a scan of every finding per response is quadratic in a large corpus.
    violations: dict[str | None, list[FindingEntry]] = {}
    for f in report.findings:
        if f.kind == "schema-violation":
            violations.setdefault(f.file, []).append(f)
    for r in report.responses:
        case = TestCase(
            _classname(report, r.operation),
            f"{r.file}{f' and {r.also} more like it' if r.also else ''} is valid against {r.against}",
            file=recording_file(report, r.file),
            time=r.elapsed_s or 0.0,
        )
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
            _classname(report, g.operation),
            f"{g.example}{more} {verb} valid against {g.against}",
            file=recording_file(report, g.example),
        )
        case.output.append(g.fingerprint)
        yield case


def _finding_cases(report: DriftReport) -> Iterable[TestCase]:
    """A testcase per finding other than a response's own, named by where it is and what it is."""
    threshold = report.metadata.fail_on or Severity.BREAKING
    own = RESPONSE_FINDING_KINDS if report.responses else frozenset()
    for f in report.findings:
        if f.kind in own:
            continue
        case = TestCase(
            _classname(report, subject(f)),
            f"{place(f)}: {f.kind}{_step(report, f)}",
            file=finding_file(report, f),
            ident=f.id,
            output=[_line(f), *f.evidence],
        )
        note = _excused(report, f)
        if note:
            case.output.append(note)
        elif f.severity.rank >= threshold.rank:
            case.failure = (f.kind, f"{f.severity.value}: {f.message}", _line(f))
        yield case


def _step(report: DriftReport, finding: FindingEntry) -> str:
    """The versions a finding is about: a diff's step, or the version a finding was judged against."""
    versions = report.metadata.versions
    if report.metadata.kind is RunKind.DIFF and finding.version in versions[1:]:
        return f" ({versions[versions.index(finding.version) - 1]} → {finding.version})"
    return f" (in {finding.version})" if finding.version else ""


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
        case = TestCase(_classname(report, t.operation), f"{t.method} {t.path} answers", ident=t.id)
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
        case = TestCase(_classname(report, "input"), f"{where or e.kind} is readable", file=e.file)
        case.error = (e.kind, f"{where}: {e.message}", e.message)
        yield case


def _unique(cases: list[TestCase]) -> list[TestCase]:
    """CI servers key history by class and name: a pair that repeats gets its stable id (the same
    testcase every run, whatever the order), else a numbered suffix."""
    repeated = Counter((case.classname, case.name) for case in cases)
    for case in cases:
        if repeated[(case.classname, case.name)] > 1 and case.ident:
            case.name = f"{case.name} [{case.ident}]"
    seen: dict[tuple[str, str], int] = {}
    for case in cases:
        key = (case.classname, case.name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            case.name = f"{case.name} #{seen[key]}"
    return cases


def _clean(text: str) -> str:
    # A search first: translate looks every character up in a dict, and almost no text needs it.
    return text.translate(_XML_SAFE) if _XML_UNSAFE.search(text) else text
