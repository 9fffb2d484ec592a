"""Render a version diff as text, GitHub-flavoured Markdown, or JSON."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from apidrift.diff.changes import Change, Severity
from apidrift.diff.engine import VersionDiff
from apidrift.diff.findings import Finding, group
from apidrift.diff.registry import RULES

DIFF_FORMAT = "apidrift.diff/1"
_MARK = {Severity.BREAKING: "BREAKING", Severity.WARNING: "warning", Severity.INFO: "info"}
# Operations named under a finding in text; the JSON lists them all.
REACHES_SHOWN = 5


def _order(change: Change) -> tuple[Any, ...]:
    return (
        change.operation or "",
        -change.severity.rank,
        change.side.value,
        change.status or "",
        change.path,
    )


def _total_order(change: Change) -> tuple[Any, ...]:
    return (*_order(change), change.kind.value, change.message, repr(change.old), repr(change.new))


def findings(diff: VersionDiff) -> list[Finding]:
    """The diff's findings, worst first, independent of the order its changes were found in."""
    grouped = group(sorted(diff.changes, key=_total_order))
    return sorted(grouped, key=lambda f: (-f.severity.rank, f.kind.value, f.origin or "", f.message))


def _counted(found: list[Finding]) -> dict[str, int]:
    by_severity = {s.value: 0 for s in Severity}
    for f in found:
        by_severity[f.severity.value] += 1
    return by_severity


def to_json(diff: VersionDiff) -> dict[str, Any]:
    """Every change (one per operation it reaches) and the findings they make (one per change made)."""
    summary: dict[str, Any] = dict(diff.summary())
    if diff.operations is not None:
        old, new, matched = diff.operations
        summary["operations"] = {"old": old, "new": new, "matched": matched}
    found = findings(diff)
    summary["findings"] = {"total": len(found), "by_severity": _counted(found)}
    return {
        "format": DIFF_FORMAT,
        "old": diff.old,
        "new": diff.new,
        "summary": summary,
        "changes": [c.to_json() for c in sorted(diff.changes, key=_order)],
        "findings": [f.to_json() for f in found],
    }


def headline(diff: VersionDiff) -> str:
    """`a -> b: 3 findings (1 breaking, 1 warning, 1 info) from 40 changes`: gates count findings."""
    found = findings(diff)
    s = _counted(found)
    return (
        f"{diff.old} -> {diff.new}: {len(found)} findings "
        f"({s['breaking']} breaking, {s['warning']} warning, {s['info']} info) "
        f"from {len(diff.changes)} changes"
    )


def compared(diff: VersionDiff) -> str:
    """`compared 51 operations of OLD and 81 of NEW (51 in both)`, or "" when the counts are unknown."""
    if diff.operations is None:
        return ""
    old, new, matched = diff.operations
    return f"compared {old} operations of {diff.old} and {new} of {diff.new} ({matched} in both)"


# What `json.dumps(..., ensure_ascii=False, default=str)` builds anew for every call: thousands of rows.
_ONE_LINE = json.JSONEncoder(ensure_ascii=False, default=str)


def render_json(diff: VersionDiff) -> str:
    """Indented to the level of each change and finding, each of those on one line: as readable in a
    diff of two reports, and several times faster to write than indenting every value."""
    document = to_json(diff)
    lists = {key: document.pop(key) for key in ("changes", "findings")}
    head = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    parts = [head[:-2]]  # everything but the closing "\n}"
    for key, items in lists.items():
        rows = ",\n".join("    " + _ONE_LINE.encode(item) for item in items)
        parts.append(f',\n  "{key}": [\n{rows}\n  ]' if items else f',\n  "{key}": []')
    return "".join(parts) + "\n}\n"


def _detail(change: Change, examples: bool, explain: bool = False) -> list[str]:
    lines = []
    rule = RULES.get((change.kind, change.side)) if explain else None
    if rule is not None:
        lines.append(f"why {change.severity.value}: {rule.why}")
    if change.confidence is not None:
        evidence = "; ".join(change.evidence)
        lines.append(f"confidence {change.confidence:.2f}" + (f" ({evidence})" if evidence else ""))
    if examples and change.counterexample is not None:
        c = change.counterexample
        instance = json.dumps(c.instance, ensure_ascii=False, default=str)
        lines.append(
            f"counterexample: {instance} (valid in {c.valid_in}, rejected by {c.rejected_by}: {c.reason})"
        )
    return lines


def render_text(
    diff: VersionDiff,
    *,
    examples: bool = False,
    by_finding: bool = False,
    width: int | None = None,
    explain: bool = False,
) -> str:
    """Worst first: a section per severity, per operation inside it (every place a change reaches),
    or `by_finding`: each change made, once. The counts open and close it (a long list scrolls);
    with `width`, every line is wrapped to it, continuation lines indented under the message.
    `explain` (the CLI's --verbose) adds why each change is graded as it is, and every operation a
    finding reaches."""
    out = [headline(diff)]
    if diff.operations is not None:
        out.append(compared(diff))
    if by_finding:
        body = _finding_lines(diff, examples, explain)
    else:
        body = []
        ordered = sorted(diff.changes, key=_severity_first)
        for severity, in_severity in groupby(ordered, key=lambda c: c.severity):
            listed = list(in_severity)
            body += ["", f"{_MARK[severity]} ({len(listed)} changes)"]
            for operation, changes in groupby(listed, key=lambda c: c.operation or ""):
                body.append(f"  {operation or '(no operation)'}")
                for c in changes:
                    where = f"{c.side.value}{' ' + c.status if c.status else ''}"
                    body.append(f"    {c.kind.value:22} {where:13} {c.message}")
                    body += [f"{'':{_MESSAGE_COLUMN}}{line}" for line in _detail(c, examples, explain)]
    lines = out + body + (["", *out[:1]] if body else [])
    return "\n".join(_wrap(line, width) for line in lines) + "\n"


def _severity_first(change: Change) -> tuple[Any, ...]:
    return (-change.severity.rank, *_total_order(change))


# A change row is `    kind(22) where(13) message`: its message, and its details, start here.
_MESSAGE_COLUMN = 41


def _wrap(line: str, width: int | None) -> str:
    """`line` wrapped to `width`; a change row's continuations line up under its message."""
    if width is None or len(line) <= width:
        return line
    import textwrap

    indent = len(line) - len(line.lstrip(" "))
    if indent >= 4 and width >= 2 * _MESSAGE_COLUMN:
        indent = _MESSAGE_COLUMN
    return textwrap.fill(line, width=width, subsequent_indent=" " * indent, break_on_hyphens=False)


def _finding_lines(diff: VersionDiff, examples: bool, explain: bool = False) -> list[str]:
    out = []
    for f in findings(diff):
        out.append("")
        where = f.side.value + (
            f" {f.changes[0].status}"
            if len({c.status for c in f.changes}) == 1 and f.changes[0].status
            else ""
        )
        out.append(f"{_MARK[f.severity]:8} {f.kind.value:22} {where:13} {f.message}")
        operations = f.operations
        if len(operations) > 1:
            cap = len(operations) if explain else REACHES_SHOWN
            shown = ", ".join(operations[:cap])
            more = f" and {len(operations) - cap} more" if len(operations) > cap else ""
            out.append(f"{'':46}reaches {len(operations)} operations: {shown}{more}")
        elif operations:
            out.append(
                f"{'':46}in {operations[0]}" + (f" at {f.changes[0].path}" if f.changes[0].path else "")
            )
        out += [f"{'':46}{line}" for line in _detail(f.changes[0], examples, explain)]
    return out


def _md(text: Any) -> str:
    """Table-cell text: pipes escaped, angle brackets as entities so no value becomes raw HTML."""
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


# GitHub refuses a comment (and a step summary) over 65,536 characters; keep a margin for a caller's
# own framing around the text.
COMMENT_LIMIT = 65_000


def render_markdown(diff: VersionDiff, *, examples: bool = False, limit: int = COMMENT_LIMIT) -> str:
    """For a PR comment or `$GITHUB_STEP_SUMMARY`: findings worst first (a change to a shared schema
    once, with where it reaches), warnings and info folded in `<details>`, and never over `limit`
    characters: what does not fit is counted, by severity, in a closing line."""
    summary = diff.summary()
    found = findings(diff)
    s = _counted(found)
    head = [
        f"# API drift: `{diff.old}` → `{diff.new}`",
        "",
        f"**{len(found)} findings** from {len(diff.changes)} changes: "
        f"**{s['breaking']} breaking**, {s['warning']} warning, {s['info']} info."
        + (f" {_md(compared(diff)).capitalize()}." if diff.operations is not None else ""),
    ]
    kinds = [
        "",
        "<details><summary>Changes by kind</summary>",
        "",
        "| kind | count |",
        "|---|---|",
        *[f"| {kind} | {count} |" for kind, count in summary["by_kind"].items()],
        "",
        "</details>",
    ]
    budget = _Budget(limit)
    lines = budget.take(head)
    left_out: dict[str, int] = {}
    for severity in Severity:
        rows = [_md_row(f, examples) for f in found if f.severity is severity]
        if not rows:
            continue
        folded = severity is not Severity.BREAKING
        title = f"{severity.value.title()} ({len(rows)})"
        opening = ["", f"<details><summary>{title}</summary>" if folded else f"## {title}", ""]
        opening += ["| where | kind | path | change |", "|---|---|---|---|"]
        closing = ["", "</details>"] if folded else []
        if not budget.fits(opening + rows[:1] + closing):
            left_out[severity.value] = len(rows)
            continue
        lines += budget.take(opening)
        shown = 0
        for row in rows:
            if not budget.fits([row, *closing]):
                break
            lines += budget.take([row])
            shown += 1
        lines += budget.take(closing)
        if shown < len(rows):
            left_out[severity.value] = len(rows) - shown
    if budget.fits(kinds):
        lines += budget.take(kinds)
    if left_out:
        counts = ", ".join(f"{n} {severity}" for severity, n in left_out.items())
        lines += [
            "",
            f"*Left out to stay under GitHub's 65,536-character limit: {counts}. "
            "Every finding is in `apidrift diff --format json` and in report.json (`--reports DIR`).*",
        ]
    return "\n".join(lines) + "\n"


class _Budget:
    """What is left of a character limit, counted as lines are taken (a line and its newline)."""

    def __init__(self, limit: int) -> None:
        # The closing "left out" line needs room whatever happens.
        self.left = limit - 300

    def fits(self, lines: list[str]) -> bool:
        return sum(len(line) + 1 for line in lines) <= self.left

    def take(self, lines: list[str]) -> list[str]:
        self.left -= sum(len(line) + 1 for line in lines)
        return lines


def _md_row(f: Finding, examples: bool) -> str:
    first = f.changes[0]
    operations = f.operations
    if len(operations) > 1:
        where = f"{len(operations)} operations (`{_md(f.origin or '-')}`)"
    else:
        status = f" {first.status}" if first.status else ""
        where = f"`{_md(operations[0] if operations else '-')}` {f.side.value}{status}"
    detail = "; ".join([f.message, *_detail(first, examples)])
    return f"| {where} | {f.kind.value} | `{_md(first.path)}` | {_md(detail)} |"
