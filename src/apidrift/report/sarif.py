"""`report.sarif`: any report as one SARIF 2.1.0 run, the format code-scanning tools read.

A rule per kind of finding (a diff's rules explain themselves with the drift registry's reasons), a
result per finding, transport failure, bad input and live-run trouble; a finding's stable id is its
fingerprint, and a baseline's acceptance is a suppression.
"""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import quote

import pydantic_core

from apidrift.diff.changes import ChangeKind, Severity
from apidrift.diff.registry import RULES
from apidrift.report.locate import contract_file, finding_file, finding_text, place, subject
from apidrift.report.model import DriftReport, FindingEntry, RunKind
from apidrift.report.run_entries import TransportFindingEntry
from apidrift.report.tracking import FindingStatus
from apidrift.report.wording import title

SARIF_VERSION: Final = "2.1.0"
SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# The key of a finding's stable id among a result's partial fingerprints (versioned, as SARIF advises).
FINGERPRINT: Final = "apidriftFindingId/v1"
LEVELS: Final = {Severity.BREAKING: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# How a finding stands against the previous run, in SARIF's words.
_BASELINE_STATE: Final = {FindingStatus.NEW: "new", FindingStatus.PERSISTING: "unchanged"}

# Kinds that are not diff rules: what each means, in one sentence.
DESCRIPTIONS: Final = {
    "schema-violation": "A response breaks the schema of the contract version it is checked against.",
    "undocumented-field": "A response carries a field its contract version does not document.",
    "documentation": "The contract uses a schema keyword or pattern the checker cannot apply.",
    "input-error": "An input (contract, recording, document or report) could not be read or understood.",
    "cleanup": "A live run's writes could not all be undone.",
    "interrupted": "The run stopped before it had checked everything.",
    "server-error": "A fuzzed request was answered with a 5xx.",
    "invalid-request-accepted": "A request the contract version refuses was answered below 400.",
    "valid-request-refused": "A request the contract version admits was refused with an undocumented 4xx.",
    "undocumented-status": "A fuzzed request was answered with a status the operation does not document.",
    "unusable-response": "A fuzzed request got no usable answer (no JSON where JSON was due, a timeout).",
    "chain-broken": "What a create answered could not be read back by the id it gave.",
    "coverage-gap": "A fuzz run could not exercise an operation (fully), and says why.",
}
TRANSPORT_RULE: Final = "A live request produced no usable response ({kind})."


def render_sarif(report: DriftReport) -> str:
    """The report as a SARIF 2.1.0 log with one run (deterministic: same report, same text)."""
    return indented_json(sarif_log(report)) + "\n"


def indented_json(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, the same text, by pydantic-core's serialiser:
    the standard library indents in pure Python, which cost a large run more than building the log.

    The same text for strings, integers, booleans, None, lists and dicts, which is all a SARIF log
    holds; not for every float (`1e-05` comes out as `0.00001`).
    """
    try:
        return pydantic_core.to_json(value, indent=2).decode()
    except pydantic_core.PydanticSerializationError:  # e.g. a lone surrogate: the standard library's error
        return json.dumps(value, indent=2, ensure_ascii=False)


def sarif_log(report: DriftReport) -> dict[str, Any]:
    """The SARIF log as plain JSON values."""
    rules = _Rules(report)
    results = [_finding_result(report, f, rules) for f in report.findings]
    results += [_transport_result(t, rules, fallback(report)) for t in report.transport_findings]
    results += _run_results(report, rules)
    meta = report.metadata
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "apidrift",
                "version": meta.tool_version,
                "semanticVersion": meta.tool_version,
                "rules": rules.entries,
            }
        },
        # Code scanning keeps one analysis per category: a check and a diff must not replace each other.
        "automationDetails": {"id": f"apidrift/{meta.kind.value}/{meta.api or 'api'}/"},
        "invocations": [
            {
                "executionSuccessful": report.exit_code < 2 and not report.interrupted,
                "exitCode": report.exit_code,
            }
        ],
        "properties": {
            "title": title(report),
            # As the report has it (ISO 8601 with an offset), where SARIF's own times want a `Z`.
            "generatedAt": meta.generated_at,
            "versions": meta.versions,
            "sources": meta.sources,
            **{k: v for k, v in (("api", meta.api), ("against", meta.against)) if v},
        },
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


class _Rules:
    """The run's rules in order of first use: an index per id, as results refer to them."""

    def __init__(self, report: DriftReport) -> None:
        self.diff = report.metadata.kind is RunKind.DIFF
        self.entries: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}

    def index(self, rule_id: str, severity: Severity, description: str | None = None) -> int:
        if rule_id not in self._index:
            self._index[rule_id] = len(self.entries)
            self.entries.append(self._rule(rule_id, severity, description))
        return self._index[rule_id]

    def _rule(self, rule_id: str, severity: Severity, description: str | None) -> dict[str, Any]:
        why = description or DESCRIPTIONS.get(rule_id) or (self._registry(rule_id) if self.diff else None)
        short = rule_id.replace("-", " ").replace("_", " ")
        rule: dict[str, Any] = {
            "id": rule_id,
            "name": "".join(word.capitalize() for word in short.split()),
            "shortDescription": {"text": short[:1].upper() + short[1:]},
            "defaultConfiguration": {"level": LEVELS[severity]},
        }
        if why:
            rule["fullDescription"] = {"text": why}
        return rule

    @staticmethod
    def _registry(rule_id: str) -> str | None:
        """The drift registry's reasons for one kind of change, per side it is graded on."""
        try:
            kind = ChangeKind(rule_id)
        except ValueError:
            return None
        graded = [rule for (k, _), rule in RULES.items() if k is kind]
        if not graded:
            return None
        whys = list(dict.fromkeys(f"{r.side.value}: {r.severity.value}, {r.why}" for r in graded))
        return "; ".join(whys) + "."


def _finding_result(report: DriftReport, finding: FindingEntry, rules: _Rules) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.kind,
        "ruleIndex": rules.index(finding.kind, finding.severity),
        "level": LEVELS[finding.severity],
        "message": {"text": finding_text(report, finding)},
        "partialFingerprints": {FINGERPRINT: finding.id},
        "locations": [
            _location(finding_file(report, finding) or fallback(report), subject(finding), place(finding))
        ],
        "properties": {
            "severity": finding.severity.value,
            "findingId": finding.id,
            **{
                k: v
                for k, v in (
                    ("operation", finding.operation),
                    ("version", finding.version),
                    ("location", finding.location),
                    ("path", finding.path),
                )
                if v
            },
            **({"evidence": finding.evidence} if finding.evidence else {}),
            **({"reaches": finding.reaches} if finding.reaches else {}),
        },
    }
    _track(result, finding)
    return result


def _transport_result(t: TransportFindingEntry, rules: _Rules, contract: str | None) -> dict[str, Any]:
    description = TRANSPORT_RULE.format(kind=t.kind)
    target = f"{t.method} {t.path}"
    status = f" (last status {t.http_status})" if t.http_status else ""
    result: dict[str, Any] = {
        "ruleId": t.kind,
        "ruleIndex": rules.index(t.kind, Severity.BREAKING, description),
        "level": "error",
        "message": {"text": f"{target}: {t.message} after {t.attempts} attempt(s){status}"},
        "partialFingerprints": {FINGERPRINT: t.id},
        "locations": [_location(contract, t.operation or target, target)],
        "properties": {"findingId": t.id, "method": t.method, "path": t.path, "attempts": t.attempts},
    }
    _track(result, t)
    return result


def _run_results(report: DriftReport, rules: _Rules) -> list[dict[str, Any]]:
    """Bad inputs, writes left behind and an interruption: each fails a run, so each is a result."""
    out = []
    for e in report.input_errors:
        where = (e.file or "") + (f"#{e.pointer}" if e.pointer else "")
        result = _plain(rules, "input-error", f"{where or e.kind}: {e.message} ({e.kind})")
        result["locations"] = [_location(e.file or fallback(report), e.pointer or None, where or e.kind)]
        out.append(result)
    if report.cleanup is not None and report.cleanup.remaining:
        c = report.cleanup
        text = f"{c.remaining} write(s) left behind ({c.compensated} undone): " + "; ".join(c.details)
        out.append(_plain(rules, "cleanup", text))
    if report.interrupted:
        out.append(_plain(rules, "interrupted", "the run was interrupted; what it had was checked"))
    for result in out[len(report.input_errors) :]:
        result["locations"] = [_location(fallback(report), None, "run")]
    return out


def fallback(report: DriftReport) -> str | None:
    """Where a result with no file of its own is shown: the contract the run judged by, else its first
    input (GitHub code scanning refuses a whole log when one result has no physical location)."""
    meta = report.metadata
    version = meta.against or (meta.versions[-1] if meta.versions else None)
    return contract_file(meta.api, version) or (meta.sources[0] if meta.sources else None)


def _plain(rules: _Rules, rule_id: str, text: str) -> dict[str, Any]:
    return {
        "ruleId": rule_id,
        "ruleIndex": rules.index(rule_id, Severity.BREAKING),
        "level": "error",
        "message": {"text": text},
    }


def _location(uri: str | None, name: str | None, qualified: str) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if uri:
        location["physicalLocation"] = {"artifactLocation": {"uri": _uri(uri)}}
    location["logicalLocations"] = [
        {"name": name or qualified, "fullyQualifiedName": qualified, "kind": "resource"}
    ]
    return location


def _uri(path: str) -> str:
    """A relative path as a URI reference: spaces and the like percent-encoded, slashes kept."""
    return quote(path, safe="/:@!$&'()*+,;=-._~")


def _track(result: dict[str, Any], entry: FindingEntry | TransportFindingEntry) -> None:
    """A baseline's acceptance is a suppression; a history's verdict is the baseline state."""
    accepted = entry.accepted
    if accepted is not None and not accepted.expired:
        justification = f"{accepted.owner}: {accepted.reason}"
        if accepted.expires:
            justification += f" (until {accepted.expires})"
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    state = _BASELINE_STATE.get(entry.status) if entry.status else None
    if state:
        result["baselineState"] = state
