"""Build a `DriftReport` from a check run (`CheckRun`), and the ordering every report uses.

Diffs are built by `apidrift.report.build_diff`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from apidrift.check.checker import CheckedResponse
from apidrift.check.fingerprint import VersionScore
from apidrift.check.renames import RenamePair
from apidrift.check.run import CheckRun, display_path
from apidrift.check.tally import ExactKind, FitSummary
from apidrift.check.validation import Violation
from apidrift.contracts.soundness import SchemaNote
from apidrift.diff.changes import ChangeKind, Severity
from apidrift.errors import ApidriftError
from apidrift.report.model import (
    CellStatus,
    DriftReport,
    ExactGroupEntry,
    FindingEntry,
    MatrixCell,
    MatrixRow,
    RenameEntry,
    ResponseEntry,
    RunKind,
    RunMetadata,
    VersionFit,
    ViolationEntry,
)
from apidrift.report.quiet import collector_paused
from apidrift.report.run_entries import InputErrorEntry


def timestamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="seconds")


# --- check runs ----------------------------------------------------------------------------------


def build_check_report(
    run: CheckRun,
    *,
    now: datetime | None = None,
    kind: RunKind = RunKind.CHECK,
    api: str | None = None,
    base_url: str | None = None,
) -> DriftReport:
    """A check (or live) run as a report: every response that is not exact in full, exact ones counted
    by kind, and a matrix row per group of responses that fit every version alike."""
    with collector_paused():
        return _check_report(run, now=now, kind=kind, api=api, base_url=base_url)


def _check_report(
    run: CheckRun, *, now: datetime | None, kind: RunKind, api: str | None, base_url: str | None
) -> DriftReport:
    summaries: dict[tuple[Any, ...], str] = {}
    responses = sorted((_response(r, summaries) for r in run.responses), key=lambda e: (e.operation, e.file))
    exact = sorted(
        (_exact_group(kind, n, example) for kind, n, example in run.exact.groups()),
        key=lambda g: (g.operation, g.recorded_version or "", g.status, g.example),
    )
    findings = [f for r in run.responses for f in _response_findings(r)]
    findings += [_documentation_finding(version, note) for version, note in run.notes]
    renames = [
        _check_rename(r, score, pair)
        for r in run.responses
        for score in r.fingerprint.scores
        for pair in score.renames
    ]
    # Exact responses of many kinds can share a rename (against another version): one entry each.
    shared = {
        (e.operation, e.old_in, e.new_in, e.old, e.new): e
        for e in sorted(
            (
                _exact_rename(kind, version, pair, example)
                for kind, _, example in run.exact.groups()
                for version, pair in kind.renames
            ),
            key=rename_order,
            reverse=True,
        )
    }
    return DriftReport(
        metadata=RunMetadata(
            kind=kind,
            generated_at=timestamp(now),
            api=api,
            versions=list(run.versions),
            against=run.against,
            sources=[run.recordings],
            base_url=base_url,
        ),
        exit_code=run.exit_code,
        matrix=check_matrix(responses, exact, run.versions),
        findings=sorted(findings, key=finding_order),
        renames=sorted([*renames, *shared.values()], key=rename_order),
        responses=responses,
        exact=exact,
        input_errors=sorted(
            (_input_error(e) for e in run.input_errors), key=lambda e: (e.file or "", e.pointer, e.message)
        ),
    )


def _fit(fit: FitSummary) -> VersionFit:
    return VersionFit(
        version=fit.version,
        valid=fit.valid,
        exact=fit.exact,
        score=fit.score,
        violations=fit.violations,
        undocumented=fit.undocumented,
        differences=list(fit.differences),
    )


def _exact_group(kind: ExactKind, count: int, example: str) -> ExactGroupEntry:
    return ExactGroupEntry(
        operation=kind.operation,
        method=kind.method,
        path=kind.path,
        status=kind.status,
        recorded_version=kind.recorded_version,
        against=kind.against,
        responses=count,
        example=example,
        best_match=kind.best_match,
        matches=list(kind.matches),
        fingerprint=kind.fingerprint,
        fits=[_fit(f) for f in kind.fits],
    )


def _exact_rename(kind: ExactKind, version: str, pair: RenamePair, example: str) -> RenameEntry:
    # An exact response has no rename against its target: these are all against another version.
    seen_in = kind.recorded_version
    return RenameEntry(
        kind=ChangeKind.FIELD_RENAMED.value,
        severity=Severity.INFO,
        operation=kind.operation,
        old=pair.old,
        new=pair.new,
        old_in=version,
        new_in=seen_in if seen_in and seen_in != version else "response",
        confidence=pair.confidence,
        evidence=list(pair.evidence),
        file=example,
    )


def _response(checked: CheckedResponse, summaries: dict[tuple[Any, ...], str]) -> ResponseEntry:
    fp = checked.fingerprint
    fits = [_version_fit(s) for s in fp.scores]
    best = fp.best
    # The summary says no more than the fits and the best match: responses that fit alike share it.
    key = (best, *((f.version, f.score, f.exact, *f.differences, None) for f in fits))
    summary = summaries.get(key)
    if summary is None:
        summary = summaries[key] = fp.summary()
    return ResponseEntry(
        file=checked.file,
        operation=checked.operation,
        method=checked.method,
        path=checked.path,
        status=checked.status,
        recorded_version=checked.recorded_version,
        against=checked.against,
        ok=checked.ok,
        violations=[_violation(v) for v in checked.result.violations],
        undocumented=[u.field for u in checked.result.undocumented],
        best_match=best,
        matches=list(fp.matches),
        fingerprint=summary,
        also=checked.also,
        fits=fits,
    )


def _version_fit(s: VersionScore) -> VersionFit:
    result = s.result
    return VersionFit(
        version=s.version,
        valid=result is not None and result.valid,
        exact=result is not None and result.exact,
        score=s.score,
        violations=len(result.violations) if result else 0,
        undocumented=result.undocumented_count if result else 0,
        differences=s.differences(),
    )


# Values that are JSON as they are (exact types: a subclass may serialise otherwise).
_PLAIN: Final = frozenset({str, int, float, bool, type(None)})


def _violation(v: Violation) -> ViolationEntry:
    return ViolationEntry(
        field=v.field,
        instance_path=v.instance_path,
        schema_path=v.schema_path,
        keyword=v.keyword,
        expected=_json_value(v.expected),
        actual=_json_value(v.actual),
        message=v.message,
    )


def _json_value(value: Any) -> Any:
    # Expected/actual values are JSON already, except tuples and the like: one JSON round trip for
    # a container (a scalar comes back as it went).
    if type(value) in _PLAIN:
        return value
    return json.loads(json.dumps(value, default=str))


def _response_findings(checked: CheckedResponse) -> list[FindingEntry]:
    target = next((s for s in checked.fingerprint.scores if s.version == checked.against), None)
    hints = {}
    for pair in target.renames if target else ():
        hint = f"looks like a rename: `{pair.old}` → `{pair.new}` ({pair.confidence:.2f})"
        hints[pair.old] = hints[pair.new] = hint
    where = f"response {checked.status}"
    out = []
    for v in checked.result.violations:
        evidence = [
            f"keyword {v.keyword} at {v.instance_path or '/'} (schema {v.schema_path})",
            f"expected {to_json(v.expected)}, got {to_json(v.actual)}",
        ]
        out.append(
            FindingEntry(
                kind="schema-violation",
                severity=Severity.BREAKING,
                operation=checked.operation,
                version=checked.against,
                path=v.field or "(root)",
                message=v.message,
                evidence=[*evidence, *([hints[v.field]] if v.field in hints else [])],
                location=where,
                file=checked.file,
                also=checked.also,
            )
        )
    for u in checked.result.undocumented:
        out.append(
            FindingEntry(
                kind="undocumented-field",
                severity=Severity.WARNING,
                operation=checked.operation,
                version=checked.against,
                path=u.field,
                message=f"`{u.field}` ({u.json_type}) is not documented in {checked.against}"
                + (f"; {u.more:,} more undocumented fields are not listed" if u.more else ""),
                evidence=[hints[u.field]] if u.field in hints else [],
                location=where,
                file=checked.file,
                also=checked.also,
            )
        )
    return out


def _documentation_finding(version: str, note: SchemaNote) -> FindingEntry:
    # A warning: an ignored keyword (a typo of `required`, say) silently weakens every verdict.
    return FindingEntry(
        kind="documentation",
        severity=Severity.WARNING,
        operation=None,
        version=version,
        path=note.pointer,
        message=note.message,
        file=note.file,
    )


def _check_rename(checked: CheckedResponse, score: VersionScore, pair: RenamePair) -> RenameEntry:
    if score.version != checked.against:
        severity = Severity.INFO
    else:
        severity = Severity.WARNING if checked.ok else Severity.BREAKING
    seen_in = checked.recorded_version
    return RenameEntry(
        kind=ChangeKind.FIELD_RENAMED.value,
        severity=severity,
        operation=checked.operation,
        old=pair.old,
        new=pair.new,
        old_in=score.version,
        # The response is what uses the new name; name it by its version when that says something.
        new_in=seen_in if seen_in and seen_in != score.version else "response",
        confidence=pair.confidence,
        evidence=list(pair.evidence),
        file=checked.file,
    )


Fitted = ResponseEntry | ExactGroupEntry


def check_matrix(
    responses: Sequence[ResponseEntry], exact: Sequence[ExactGroupEntry], versions: Sequence[str]
) -> list[MatrixRow]:
    """One row per operation, recorded version and fit to every version: the matrix stays as long as
    the corpus has kinds of response, not responses. A row of one response names its file."""
    groups: dict[tuple[Any, ...], list[tuple[Fitted, int, list[_CellFacts]]]] = {}
    members: list[tuple[Fitted, int]] = [(r, 1 + r.also) for r in responses]
    members += [(g, g.responses) for g in exact]
    for entry, count in members:
        # Plain tuples, not cells: a key per entry, and a model only per row (see `_check_row`).
        facts = _cell_facts(entry, versions)
        key = (
            entry.operation,
            entry.method,
            entry.path,
            entry.recorded_version,
            entry.against,
            best_label(entry),
            tuple((version, f[0], f[1]) for version, f in zip(versions, facts, strict=True)),
        )
        groups.setdefault(key, []).append((entry, count, facts))
    rows = [_check_row(members, versions) for members in groups.values()]
    return sorted(rows, key=lambda r: (r.operation, r.recorded_version or "", r.file or "", -r.responses))


# A cell as plain values: status, label, score, details.
_CellFacts = tuple[CellStatus, str, float | None, list[str]]


def _check_row(members: list[tuple[Fitted, int, list[_CellFacts]]], versions: Sequence[str]) -> MatrixRow:
    first, _, first_facts = members[0]
    total = sum(n for _, n, _ in members)
    severity = Severity.INFO
    if isinstance(first, ResponseEntry) and not first.ok:
        severity = Severity.BREAKING
    elif isinstance(first, ResponseEntry) and first.undocumented:
        severity = Severity.WARNING
    cells = []
    for i, version in enumerate(versions):
        status, label, score, details = first_facts[i]
        if total > 1:
            # Alike by label, not by detail: show the lowest score and the distinct differences.
            scores = [s for _, _, f in members if (s := f[i][2]) is not None]
            score = min(scores) if scores else None
            details = list(dict.fromkeys(d for _, _, f in members for d in f[i][3]))[:DETAILS]
        cells.append(MatrixCell(version=version, status=status, label=label, score=score, details=details))
    file = (first.file if isinstance(first, ResponseEntry) else first.example) if total == 1 else None
    return MatrixRow(
        operation=first.operation,
        method=first.method,
        path=first.path,
        recorded_version=first.recorded_version,
        file=file,
        responses=total,
        against=first.against,
        severity=severity,
        best_match=best_label(first),
        cells=cells,
    )


# The most differences a matrix cell of many responses lists; report.json has each response's own.
DETAILS = 6


def _cell_facts(entry: Fitted, versions: Sequence[str]) -> list[_CellFacts]:
    fits: dict[str, VersionFit] = {}
    for f in entry.fits:
        fits.setdefault(f.version, f)  # the first fit of a version, as `cell` finds it
    out: list[_CellFacts] = []
    for version in versions:
        fit = fits.get(version)
        if fit is None:
            out.append((CellStatus.ABSENT, "-", None, []))
            continue
        if fit.exact:
            status, label = CellStatus.EXACT, "ok"
        elif fit.valid:
            status, label = CellStatus.DRIFT, f"ok +{fit.undocumented}"
        elif fit.violations:
            status, label = CellStatus.FAIL, f"FAIL {fit.violations}"
        else:
            status, label = CellStatus.NOT_DOCUMENTED, "n/a"
        out.append((status, label, fit.score, fit.differences))
    return out


def cell(entry: Fitted, version: str) -> str:
    """A compact status of one response against one version: ok, ok +N (undocumented), FAIL N."""
    fit = next((f for f in entry.fits if f.version == version), None)
    if fit is None:
        return "-"
    if fit.exact:
        return "ok"
    if fit.valid:
        return f"ok +{fit.undocumented}"
    return f"FAIL {fit.violations}" if fit.violations else "n/a"


def best_label(entry: Fitted) -> str:
    """The version a response fits best; `any` when all fit alike, `tie` or `none` otherwise."""
    if entry.best_match:
        return entry.best_match
    valid = [f.version for f in entry.fits if f.valid]
    return "any" if len(valid) == len(entry.fits) and valid else ("none" if not valid else "tie")


def _input_error(error: ApidriftError) -> InputErrorEntry:
    file = display_path(Path(error.file)) if error.file else None
    return InputErrorEntry(kind=type(error).__name__, file=file, pointer=error.pointer, message=error.message)


# --- ordering and helpers ------------------------------------------------------------------------


def finding_order(f: FindingEntry) -> tuple[Any, ...]:
    """Operation, then worst first, then where: the order every renderer lists findings in."""
    return (
        f.operation or "",
        -f.severity.rank,
        f.version or "",
        f.location or "",
        f.path,
        f.kind,
        f.message,
        f.file or "",
        tuple(f.evidence),
    )


def rename_order(r: RenameEntry) -> tuple[Any, ...]:
    return (r.operation, r.old_in, r.new_in, r.old, r.new, r.file or "")


def to_json(value: Any) -> str:
    """Compact, key-sorted JSON for evidence lines."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
