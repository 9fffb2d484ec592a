"""`report.md`: GitHub-flavoured Markdown (headings, lists, tables; no raw HTML) for PR comments
and `$GITHUB_STEP_SUMMARY`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from apidrift.diff.changes import Severity
from apidrift.report.markdown_history import since_last_run, status_text
from apidrift.report.mdtext import cell_text, code
from apidrift.report.mdtext import table as _table
from apidrift.report.model import DriftReport, RunKind
from apidrift.report.wording import against_text, findings_line, live_line, response_line, title, verdict

# A PR comment holds 65,536 characters; long lists stop here and point at report.html.
ROW_LIMIT: Final = 100
# Matrix rows are kinds of response, not responses: a corpus has few, so show more of them.
MATRIX_LIMIT: Final = 500


def render_markdown(report: DriftReport) -> str:
    """The whole report as Markdown; the generation time is on one line of the header list."""
    head = _header(report)
    lines = [
        *head[:3],  # the title and the result, then what changed since the last run
        *since_last_run(report),
        *head[3:],
        *_matrix(report),
        *_failures(report),
        *_findings(report),
        *_renames(report),
        *_counterexamples(report),
        *_transport(report),
        *_skipped(report),
        *_cleanup(report),
        *_input_errors(report),
    ]
    return "\n".join(lines) + "\n"


def _limited(items: Sequence[Any], limit: int = ROW_LIMIT) -> tuple[Sequence[Any], list[str]]:
    if len(items) <= limit:
        return items, []
    return items[:limit], ["", f"… and {len(items) - limit} more: see report.html or report.json."]


def _header(report: DriftReport) -> list[str]:
    meta = report.metadata
    lines = [
        f"# {title(report)}",
        "",
        f"**Result: {verdict(report).value}** (exit {report.exit_code})",
        "",
        f"- sources: {', '.join(code(s) for s in meta.sources) or '-'}",
    ]
    if meta.base_url:
        lines.append(f"- base URL: {code(meta.base_url)}")
    versions = ", ".join(code(v) for v in meta.versions)
    if meta.kind is RunKind.DIFF:
        lines.append(f"- versions: {versions}; fails on: {(meta.fail_on or Severity.BREAKING).value}")
    else:
        lines.append(f"- versions: {versions}; checked against: {cell_text(against_text(report))}")
    if report.responses or meta.kind in (RunKind.CHECK, RunKind.LIVE):
        lines.append(f"- **{response_line(report)}**")
    lines.append(f"- {findings_line(report)}")
    live = live_line(report)
    if live:
        lines.append(f"- {live}")
    lines.append(f"- generated {meta.generated_at} by apidrift {meta.tool_version}")
    return lines


def _matrix(report: DriftReport) -> list[str]:
    if not report.matrix:
        return []
    versions = report.metadata.versions
    recorded = any(r.recorded_version for r in report.matrix)
    best = any(r.best_match for r in report.matrix)
    # A check's rows stand for groups of responses alike: say how many when any has more than one.
    counted = any(r.responses > 1 for r in report.matrix)
    header = [
        "operation",
        *(["responses"] if counted else []),
        *(["recorded"] if recorded else []),
        *versions,
        *(["best match"] if best else []),
    ]
    rows = []
    shown, more = _limited(report.matrix, MATRIX_LIMIT)
    for row in shown:
        labels = {c.version: c.label for c in row.cells}
        rows.append(
            [
                code(row.operation),
                *([str(row.responses)] if counted else []),
                *([row.recorded_version or "-"] if recorded else []),
                *(cell_text(labels.get(v, "-")) for v in versions),
                *([row.best_match or "-"] if best else []),
            ]
        )
    return ["", "## Operation × version", "", *_table(header, rows), *more]


def _failures(report: DriftReport) -> list[str]:
    failed = [r for r in report.responses if not r.ok]
    if not failed:
        return []
    lines = ["", "## Failures", ""]
    shown, more = _limited(failed)
    for r in shown:
        alike = f" and {r.also} more like it" if r.also else ""
        where = f"{code(r.operation)} ({code(r.file)}{alike})"
        lines.append(f"- {where} against {r.against}: {cell_text(r.fingerprint)}")
    return lines + more


def _findings(report: DriftReport) -> list[str]:
    lines: list[str] = []
    for severity in Severity:
        found = [f for f in report.findings if f.severity is severity]
        if not found:
            continue
        shown, more = _limited(found)
        rows = [
            [
                code(f.operation or "-"),
                f.version or "-",
                cell_text(f.location or "-"),
                f.kind,
                code(f.path) if f.path else "-",
                cell_text(f.message),
                *([status_text(f)] if report.history else []),
            ]
            for f in shown
        ]
        header = ["operation", "version", "where", "kind", "path", "finding"]
        header += ["status"] if report.history else []
        lines += ["", f"## {severity.value.title()} ({len(found)})", "", *_table(header, rows), *more]
    return lines


def _renames(report: DriftReport) -> list[str]:
    if not report.renames:
        return []
    shown, more = _limited(report.renames)
    rows = [
        [
            code(r.operation),
            code(r.old),
            code(r.new),
            cell_text(r.old_in),
            cell_text(r.new_in),
            f"{r.confidence:.2f}",
            cell_text("; ".join(r.evidence) or "-"),
        ]
        for r in shown
    ]
    header = ["operation", "old name", "new name", "old name in", "new name in", "confidence", "evidence"]
    return ["", f"## Renames ({len(report.renames)})", "", *_table(header, rows), *more]


def _counterexamples(report: DriftReport) -> list[str]:
    if not report.counterexamples:
        return []
    shown, more = _limited(report.counterexamples)
    rows = [
        [
            code(c.operation or "-"),
            c.kind,
            code(c.path) if c.path else "-",
            code(_short_json(c.instance)),
            c.valid_in,
            c.rejected_by,
            cell_text(c.reason),
        ]
        for c in shown
    ]
    header = ["operation", "change", "path", "instance", "valid in", "rejected by", "why"]
    return ["", f"## Counterexamples ({len(report.counterexamples)})", "", *_table(header, rows), *more]


def _transport(report: DriftReport) -> list[str]:
    if not report.transport_findings:
        return []
    shown, more = _limited(report.transport_findings)
    rows = [
        [
            t.kind,
            code(t.operation or "-"),
            code(f"{t.method} {t.path}"),
            str(t.http_status or "-"),
            str(t.attempts),
            cell_text(t.message),
        ]
        for t in shown
    ]
    header = ["kind", "operation", "request", "status", "attempts", "message"]
    return ["", f"## Transport findings ({len(report.transport_findings)})", "", *_table(header, rows), *more]


def _skipped(report: DriftReport) -> list[str]:
    if not report.skipped:
        return []
    shown, more = _limited(report.skipped)
    rows = [[code(s.operation), s.reason, cell_text(s.detail)] for s in shown]
    table = _table(["operation", "reason", "detail"], rows)
    return ["", f"## Skipped operations ({len(report.skipped)})", "", *table, *more]


def _cleanup(report: DriftReport) -> list[str]:
    if report.cleanup is None:
        return []
    c = report.cleanup
    lines = ["", "## Cleanup", "", f"- {c.compensated} writes undone, **{c.remaining} left behind**"]
    return lines + [f"  - {cell_text(d)}" for d in c.details]


def _input_errors(report: DriftReport) -> list[str]:
    if not report.input_errors:
        return []
    lines = ["", f"## Input errors ({len(report.input_errors)})", ""]
    for err in report.input_errors:
        where = (err.file or "") + (f"#{err.pointer}" if err.pointer else "")
        lines.append(f"- {code(where or '-')}: {cell_text(err.message)}")
    return lines


def _short_json(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
