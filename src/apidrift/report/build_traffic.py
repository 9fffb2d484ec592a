"""Build a `DriftReport` from a traffic check (`TrafficRun`): the responses as a check report, plus the
requests' findings and renames (side `request`: the sender's drift) and the exchanges not matched."""

from __future__ import annotations

from datetime import datetime

from apidrift.diff.changes import ChangeKind, Severity
from apidrift.report.build import build_check_report, finding_order, rename_order
from apidrift.report.model import DriftReport, FindingEntry, RenameEntry, UnmatchedEntry
from apidrift.traffic.check import TrafficRun
from apidrift.traffic.requests import CheckedRequest

# Finding kinds of the request side; kept apart from the response kinds that renderers fold into
# their responses table, so every renderer lists them as findings.
REQUEST_VIOLATION = "request-schema-violation"
REQUEST_UNDOCUMENTED = "request-undocumented-field"
REQUEST_BODY = "request-body"


def build_traffic_report(
    traffic: TrafficRun, *, api: str | None = None, now: datetime | None = None
) -> DriftReport:
    """The traffic check as one report: responses as `check` reports them, requests as findings and
    renames with `side="request"`, unmatched exchanges listed."""
    report = build_check_report(traffic.run, now=now, api=api)
    findings = [f for r in traffic.requests for f in request_findings(r)]
    renames = {
        (e.operation, e.old_in, e.new_in, e.old, e.new): e
        for e in sorted(
            (e for r in traffic.requests for e in request_renames(r)), key=rename_order, reverse=True
        )
    }
    for f in report.findings:
        if f.kind in ("schema-violation", "undocumented-field"):
            f.side = "response"
    for r in report.renames:
        r.side = "response"
    # Assigned (not passed to a copy): the report validates assignments, so new entries get their ids.
    report.findings = sorted([*report.findings, *findings], key=finding_order)
    report.renames = sorted([*report.renames, *renames.values()], key=rename_order)
    report.unmatched = [
        UnmatchedEntry(where=u.where, method=u.method, path=u.path, reason=u.reason)
        for u in traffic.unmatched
    ]
    report.metadata.against = traffic.run.against
    report.exit_code = traffic.exit_code
    return report


def request_findings(checked: CheckedRequest) -> list[FindingEntry]:
    """What the request's target version says of it: body violations and undocumented fields,
    parameters undocumented, missing or of the wrong type, and a body where none belongs."""
    fit = checked.target
    hints = {}
    for pair in fit.renames:
        hints[pair.old] = hints[pair.new] = (
            f"looks like a rename: `{pair.old}` → `{pair.new}` ({pair.confidence:.2f})"
        )
    fingerprint = f"fingerprint: {checked.summary()}"
    out = []

    def add(kind: str, severity: Severity, location: str, path: str, message: str, *evidence: str) -> None:
        hint = [hints[path]] if path in hints else []
        out.append(
            FindingEntry(
                kind=kind,
                severity=severity,
                operation=checked.operation,
                version=checked.against,
                path=path,
                message=message,
                evidence=[*evidence, *hint, fingerprint],
                location=location,
                file=checked.where,
                side="request",
            )
        )

    if fit.body is not None:
        for v in fit.body.violations:
            add(
                REQUEST_VIOLATION,
                Severity.BREAKING,
                "request",
                v.field or "(root)",
                v.message,
                f"keyword {v.keyword} at {v.instance_path or '/'}",
            )
        for u in fit.body.undocumented:
            add(
                REQUEST_UNDOCUMENTED,
                Severity.WARNING,
                "request",
                u.field,
                f"`{u.field}` ({u.json_type}) is sent but not documented in {checked.against}",
            )
    if fit.body_note is not None:
        severity = (
            Severity.BREAKING
            if fit.body_breaks
            else (Severity.INFO if "not checked" in fit.body_note else Severity.WARNING)
        )
        add(REQUEST_BODY, severity, "request", "(body)", fit.body_note)
    for p in fit.parameters:
        add(
            f"parameter-{p.kind}",
            Severity.BREAKING if p.breaks else Severity.WARNING,
            f"{p.location} parameter",
            p.name,
            p.message,
        )
    return out


def request_renames(checked: CheckedRequest) -> list[RenameEntry]:
    """Names the request used where a version documents another, for every version."""
    out = []
    best = checked.best
    for fit in checked.fits:
        if fit.version == checked.against:
            severity = Severity.WARNING if fit.valid else Severity.BREAKING
        else:
            severity = Severity.INFO
        for pair in fit.renames:
            body_field = fit.body is not None and any(u.field == pair.new for u in fit.body.undocumented)
            out.append(
                RenameEntry(
                    kind=(ChangeKind.FIELD_RENAMED if body_field else ChangeKind.PARAM_RENAMED).value,
                    severity=severity,
                    operation=checked.operation,
                    old=pair.old,
                    new=pair.new,
                    old_in=fit.version,
                    new_in=best if best and best != fit.version else "request",
                    confidence=pair.confidence,
                    evidence=list(pair.evidence),
                    file=checked.where,
                    side="request",
                )
            )
    return out
