"""`report.md`: GitHub-flavoured Markdown for PR comments and `$GITHUB_STEP_SUMMARY`: severity first
(new since the last run first), grouped by operation, long sections folded in `<details>` (the only
raw HTML), and never over GitHub's 65,536 characters: what does not fit is counted at the end."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from apidrift.diff.changes import Severity
from apidrift.report.markdown_history import since_last_run, status_text
from apidrift.report.mdtext import COMMENT_LIMIT, Budget, cell_text, code
from apidrift.report.mdtext import table as _table
from apidrift.report.model import DriftReport, RunKind
from apidrift.report.view import FindingRow, rename_rows, severity_blocks
from apidrift.report.wording import against_text, findings_line, live_line, response_line, title, verdict

# Long lists stop here and point at report.html; the size guard below has the last word.
ROW_LIMIT: Final = 100
# Matrix rows are kinds of response, not responses: a corpus has few, so show more of them.
MATRIX_LIMIT: Final = 500
# A section of more rows than this (and every info section) is folded.
FOLD_ROWS: Final = 20


@dataclass(frozen=True)
class _Section:
    """A heading (or a folded summary), a table's head, its rows and what closes it."""

    name: str  # what the closing line counts when rows are left out: "warning findings"
    title: str
    rows: list[str]
    head: list[str]
    folded: bool
    tail: list[str]

    def opening(self) -> list[str]:
        if self.folded:
            return ["", f"<details><summary>{self.title}</summary>", "", *self.head]
        return ["", f"## {self.title}", "", *self.head]

    def closing(self) -> list[str]:
        return [*self.tail, *(["", "</details>"] if self.folded else [])]


def render_markdown(report: DriftReport, *, limit: int = COMMENT_LIMIT) -> str:
    """The whole report as Markdown, at most `limit` characters; the generation time is on one line
    of the header list."""
    head = _header(report)
    budget = Budget(limit)
    # The title, the result, what changed since the last run and the header list always go in.
    lines = budget.take([*head[:3], *since_last_run(report), *head[3:]])
    left_out: list[str] = []
    for section in _sections(report):
        opening, closing = section.opening(), section.closing()
        # Once a section was cut, a later one goes in whole or not at all (no lone first rows).
        needed = section.rows if left_out else section.rows[:1]
        if not budget.fits([*opening, *needed, *closing]):
            left_out.append(f"{len(section.rows)} {section.name}")
            continue
        lines += budget.take(opening)
        shown = 0
        for row in section.rows:
            if not budget.fits([row, *closing]):
                break
            lines += budget.take([row])
            shown += 1
        lines += budget.take(closing)
        if shown < len(section.rows):
            left_out.append(f"{len(section.rows) - shown} {section.name}")
    if left_out:
        lines += [
            "",
            f"*Left out to stay under GitHub's 65,536-character limit: {', '.join(left_out)}. "
            "Everything is in report.html and report.json.*",
        ]
    return "\n".join(lines) + "\n"


def _sections(report: DriftReport) -> list[_Section]:
    """Every section in the order a reader needs them: what is wrong first, the overview last."""
    return [
        *_input_errors(report),
        *_findings(report),
        *_transport(report),
        *_cleanup(report),
        *_renames(report),
        *_failures(report),
        *_counterexamples(report),
        *_unmatched(report),
        *_coverage(report),
        *_matrix(report),
        *_skipped(report),
    ]


def _limited(items: Sequence[Any], limit: int = ROW_LIMIT) -> tuple[Sequence[Any], list[str]]:
    if len(items) <= limit:
        return items, []
    return items[:limit], ["", f"… and {len(items) - limit} more: see report.html or report.json."]


def _section(
    name: str, title: str, rows: list[str], head: list[str], *, folded: bool | None = None, tail: list[str]
) -> list[_Section]:
    fold = len(rows) > FOLD_ROWS if folded is None else folded
    return [_Section(name=name, title=title, rows=rows, head=head, folded=fold, tail=tail)]


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


def _matrix(report: DriftReport) -> list[_Section]:
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
    table = _table(header, rows)
    title = f"Operation × version ({len(report.matrix)} rows)"
    # A diff's matrix is its overview, short and open; a check's is long and comes after its findings.
    folded = report.metadata.kind is not RunKind.DIFF or len(rows) > FOLD_ROWS
    return _section("matrix rows", title, table[2:], table[:2], folded=folded, tail=more)


def _failures(report: DriftReport) -> list[_Section]:
    failed = [r for r in report.responses if not r.ok]
    if not failed:
        return []
    shown, more = _limited(failed)
    rows = [
        f"- {code(r.operation)} ({code(r.file)}{f' and {r.also} more like it' if r.also else ''}) "
        f"against {r.against}: {cell_text(r.fingerprint)}"
        for r in shown
    ]
    return _section("failed responses", f"Failed responses ({len(failed)})", rows, [], folded=True, tail=more)


def _findings(report: DriftReport) -> list[_Section]:
    sections: list[_Section] = []
    history = report.history is not None
    for block in severity_blocks(report):
        rows = block.rows
        shown, more = _limited(rows)
        cells = [_finding_cells(row, history) for row in shown]
        header = ["operation", "version", "where", "kind", "path", "finding", "responses"]
        header += ["status"] if history else []
        table = _table(header, cells)
        new = sum(len(g.rows) for g in block.new)
        title = f"{block.severity.value.title()} ({block.findings})"
        if history:
            title += f": {new} new"
        if len(rows) != block.findings:
            title += f" in {len(rows)} rows"
        folded = None if block.severity is not Severity.INFO else True
        if block.severity is Severity.BREAKING:
            folded = False
        sections += _section(
            f"{block.severity.value} finding rows", title, table[2:], table[:2], folded=folded, tail=more
        )
    return sections


def _finding_cells(row: FindingRow, history: bool) -> list[str]:
    f = row.entry
    return [
        code(f.operation or "-"),
        f.version or "-",
        cell_text(f.location or "-"),
        row.kind,
        code(row.path) if row.path else "-",
        cell_text(row.message),
        str(row.responses) if row.files else "-",
        *([("**new**" if row.new else status_text(f))] if history else []),
    ]


def _renames(report: DriftReport) -> list[_Section]:
    if not report.renames:
        return []
    grouped = rename_rows(report)
    shown, more = _limited(grouped)
    rows = [
        [
            r.severity.value,
            f"{code(r.old)} → {code(r.new)}",
            f"{cell_text(r.old_in)} → {cell_text(r.new_in)}",
            ", ".join(code(o) for o in r.operations) + (" (request)" if r.side == "request" else ""),
            str(r.files),
            f"{r.confidence:.2f}",
            cell_text("; ".join(r.evidence) or "-"),
        ]
        for r in shown
    ]
    header = ["severity", "rename", "between", "operations", "responses", "confidence", "evidence"]
    table = _table(header, rows)
    title = f"Renames ({len(grouped)}, seen {len(report.renames)} times)"
    return _section("renames", title, table[2:], table[:2], folded=True, tail=more)


def _counterexamples(report: DriftReport) -> list[_Section]:
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
    table = _table(header, rows)
    title = f"Counterexamples ({len(report.counterexamples)})"
    return _section("counterexamples", title, table[2:], table[:2], tail=more)


def _transport(report: DriftReport) -> list[_Section]:
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
    table = _table(header, rows)
    title = f"Transport findings ({len(report.transport_findings)})"
    return _section("transport findings", title, table[2:], table[:2], tail=more)


def _skipped(report: DriftReport) -> list[_Section]:
    if not report.skipped:
        return []
    shown, more = _limited(report.skipped)
    table = _table(
        ["operation", "reason", "detail"], [[code(s.operation), s.reason, cell_text(s.detail)] for s in shown]
    )
    title = f"Skipped operations ({len(report.skipped)})"
    return _section("skipped operations", title, table[2:], table[:2], tail=more)


def _unmatched(report: DriftReport) -> list[_Section]:
    if not report.unmatched:
        return []
    shown, more = _limited(report.unmatched)
    rows = [[code(u.where), u.method, code(u.path), cell_text(u.reason)] for u in shown]
    table = _table(["exchange", "method", "path", "why it was not checked"], rows)
    title = f"Exchanges not checked ({len(report.unmatched)})"
    return _section("unchecked exchanges", title, table[2:], table[:2], tail=more)


def _cleanup(report: DriftReport) -> list[_Section]:
    if report.cleanup is None:
        return []
    c = report.cleanup
    rows = [f"- {c.compensated} writes undone, **{c.remaining} left behind**"]
    rows += [f"  - {cell_text(d)}" for d in c.details]
    return _section("cleanup lines", "Cleanup", rows, [], folded=False, tail=[])


def _coverage(report: DriftReport) -> list[_Section]:
    """A fuzz run's shrunk failing examples, and its coverage: a row per operation (every one of the
    version), gaps named."""
    coverage = report.coverage
    if coverage is None:
        return []
    ops = coverage.operations
    seen = sum(len(o.documented_seen) for o in ops)
    documented = sum(len(o.documented) for o in ops)
    exercised = sum(1 for o in ops if o.requests)
    examples = [
        "\n".join(
            [
                f"- **{f.severity.value}** `{f.kind}` in {code(f.operation or '-')}: {cell_text(f.message)}",
                *(f"  - {code(line)}" for line in f.evidence),
            ]
        )
        for f in report.findings
        if f.severity is not Severity.INFO and f.evidence
    ]
    sections = (
        _section("failing examples", "Failing examples (shrunk)", examples, [], folded=False, tail=[])
        if examples
        else []
    )
    summary = (
        f"{exercised} of {len(ops)} operations exercised, {seen} of {documented} documented statuses seen, "
        f"{coverage.chains} stateful chains; schema keywords broken: "
        f"{', '.join(code(k) for k in coverage.keywords) or '-'} (seed {coverage.seed}, "
        f"{coverage.max_examples} examples per search)."
    )
    rows = []
    for o in ops:
        documented_seen = f"{', '.join(o.documented_seen) or '-'} of {', '.join(o.documented) or '-'}"
        rows.append(
            f"| {code(o.operation)} {o.method} {code(o.path)} | {o.requests} ({o.valid} / {o.invalid}) "
            f"| {', '.join(map(str, o.statuses)) or '-'} | {documented_seen} "
            f"| {', '.join(o.keywords) or '-'} | {cell_text('; '.join(o.gaps)) or '-'} |"
        )
    head = [
        summary,
        "",
        "| operation | requests (valid / invalid) | statuses | documented seen | keywords | gaps |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    return [*sections, *_section("coverage rows", f"Coverage ({len(ops)} operations)", rows, head, tail=[])]


def _input_errors(report: DriftReport) -> list[_Section]:
    if not report.input_errors:
        return []
    rows = []
    for err in report.input_errors:
        where = (err.file or "") + (f"#{err.pointer}" if err.pointer else "")
        rows.append(f"- {code(where or '-')}: {cell_text(err.message)}")
    return _section(
        "input errors", f"Input errors ({len(report.input_errors)})", rows, [], folded=False, tail=[]
    )


def _short_json(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
